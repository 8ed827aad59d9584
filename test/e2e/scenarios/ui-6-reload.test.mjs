// Reloading the window mid-run: no trainer process survives it, the run is
// shown as interrupted in Runs, and Resume continues it to the end with the
// whole epoch history in the chart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, scenario, screenshot, session, treeRow, viewPane } from '../harness.mjs';
import { chooseFromContextMenu, dashboard, readyDashboard, runCommandSoon, setField, startRun } from './ui-helpers.mjs';

/** Trainer processes started from the extension installed for this session. */
function trainers() {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(session().extensionsDir ?? 'exts') && line.includes('dist/trainer.js'));
}

describe('ui: reload mid-run', () => {
  scenario('a reload leaves no trainer behind, marks the run interrupted, and Resume finishes it', async ({ page }) => {
    let view = await readyDashboard(page);
    await setField(view, 'hyper-epochs', 8);
    await startRun(view);
    await view.locator('#epoch-rows tr[data-epoch="2"]').waitFor({ state: 'attached', timeout: 300_000 });
    assert.ok(trainers().length >= 1, 'a trainer runs during training');

    await runCommandSoon(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // Deactivation ends the trainer (disconnect → SIGTERM → SIGKILL within ~3 s).
    const deadline = Date.now() + 15_000;
    while (trainers().length > 0 && Date.now() < deadline) await page.waitForTimeout(500);
    assert.deepEqual(trainers(), [], 'no trainer process outlives the reload');

    await runCommandSoon(page, 'Finetune: Focus on Runs View');
    const runs = await viewPane(page, 'Runs');
    const row = treeRow(runs, 'interrupted');
    await row.waitFor({ timeout: 30_000 });
    await screenshot(page, 'ui-6-interrupted');
    await row.click({ button: 'right' });
    await chooseFromContextMenu(page, 'Resume Run');

    view = await dashboard(page);
    await view.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
    const epochs = await view.locator('#epoch-rows tr').count();
    assert.equal(epochs, 8, `the resumed run's chart holds all 8 epochs, got ${epochs}`);
    await screenshot(page, 'ui-6-resumed');
  }, { timeout: 600_000 });
});
