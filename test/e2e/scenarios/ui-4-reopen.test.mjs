// Scenario 4: hide the dashboard mid-run and reopen it → the chart holds
// every epoch so far, and then continues live.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, epochState, readyDashboard, runCommandSoon, setField, startRun } from './ui-helpers.mjs';

describe('ui: dashboard lifecycle', () => {
  scenario('hiding and reopening the dashboard mid-run shows the complete epoch history', async ({ page }) => {
    let view = await readyDashboard(page);
    // Enough epochs that the run is surely still going when the page comes back.
    await setField(view, 'hyper-epochs', 60);
    await startRun(view);
    await view.locator('#epoch-rows tr[data-epoch="2"]').waitFor({ state: 'attached', timeout: 300_000 });
    // Hide it: another editor in the same group discards the page (retainContextWhenHidden is off).
    await runCommandSoon(page, 'Help: Welcome');
    await page.waitForTimeout(2500);
    view = await dashboard(page);
    assert.equal(await view.locator('#run-section').getAttribute('data-phase'), 'running', 'the run goes on while the page is hidden');
    const { rows, charted, statusEpoch } = await epochState(view);
    assert.ok(rows.length >= 2, `only ${rows.length} epoch rows after reopening`);
    assert.deepEqual(rows, Array.from({ length: rows.length }, (_, i) => i + 1), 'every epoch from the first, none missing');
    assert.equal(charted, rows.length, 'the chart has a point per epoch row');
    // The status line may already be in the next epoch, whose row comes when it ends.
    assert.ok(statusEpoch === rows.length || statusEpoch === rows.length + 1, `the chart holds ${rows.length} epochs, the run is at epoch ${statusEpoch}`);
    // …and continues live.
    await view.locator(`#epoch-rows tr[data-epoch="${rows.length + 1}"]`).waitFor({ state: 'attached', timeout: 180_000 });
    await screenshot(page, 'ui-4-reopened');
    await view.locator('#stop').click();
    await view.locator('#run-section[data-phase="cancelled"], #run-section[data-phase="completed"]').first().waitFor({ timeout: 120_000 });
  }, { timeout: 600_000 });
});
