// Scenario 4: hide the dashboard mid-run and reopen it → the chart holds
// every epoch so far, and then continues live.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, setField, startRun, runCommandSoon } from './ui-helpers.mjs';

const statusEpoch = async (view) => Number(/epoch (\d+)\//.exec((await view.locator('#run-status').textContent()) ?? '')?.[1] ?? 0);

describe('ui: dashboard lifecycle', () => {
  scenario('hiding and reopening the dashboard mid-run shows the complete epoch history', async ({ page }) => {
    let view = await dashboard(page);
    await setField(view, 'hyper-epochs', 12);
    await startRun(view);
    await view.locator('#epoch-rows tr[data-epoch="2"]').waitFor({ state: 'attached', timeout: 300_000 });
    // Hide it: another editor in the same group discards the page (retainContextWhenHidden is off).
    await runCommandSoon(page, 'Help: Welcome');
    await page.waitForTimeout(4000);
    view = await dashboard(page);
    const shown = await view.locator('#epoch-rows tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-epoch'))));
    const rows = shown.length;
    const epoch = await statusEpoch(view);
    assert.ok(rows >= 2, `only ${rows} epoch rows after reopening`);
    assert.deepEqual(shown, Array.from({ length: rows }, (_, i) => i + 1), 'every epoch from the first, none missing');
    // The status line may already be in the next epoch, whose row comes when it ends.
    assert.ok(epoch === rows || epoch === rows + 1, `the chart holds ${rows} epochs, the run is at epoch ${epoch}`);
    assert.equal(await view.locator('#charts-section').getAttribute('data-epochs'), String(rows));
    // …and continues live.
    await view.locator(`#epoch-rows tr[data-epoch="${rows + 1}"]`).waitFor({ state: 'attached', timeout: 180_000 });
    await screenshot(page, 'ui-4-reopened');
    await view.locator('#stop').click();
    await view.locator('#run-section[data-phase="cancelled"], #run-section[data-phase="completed"]').waitFor({ timeout: 120_000 });
  }, { timeout: 600_000 });
});
