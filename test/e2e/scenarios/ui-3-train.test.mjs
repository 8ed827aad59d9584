// Scenario 2: right-click the sample dataset folder → Fine-tune on this
// Dataset → the dashboard opens → Start → chart points appear while training
// runs → the run completes with validation accuracy ≥ 0.97 and the model is
// saved in the runs folder.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, scenario, screenshot, session } from '../harness.mjs';
import { dashboard, ensureDigits, startRun, runCommandSoon, focusWorkbench, explorerCommand } from './ui-helpers.mjs';

describe('ui: fine-tune', () => {
  scenario('fine-tune the demo model on the digits folder from the Explorer', async ({ page }) => {
    ensureDigits();
    await focusWorkbench(page);
    await explorerCommand(page, 'digits', 'Fine-tune on this Dataset');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 60_000 });
    // The dashboard comes pre-filled with the demo's own settings (src/engine/demo.ts).
    assert.equal(await view.locator('#hyper-epochs').evaluate((f) => f.value), '30');
    await startRun(view);
    // Chart points appear while the run is still going.
    await view.locator('#charts-section[data-batches]:not([data-batches="0"])').waitFor({ timeout: 180_000 });
    const phase = await view.locator('#run-section').getAttribute('data-phase');
    assert.ok(['running', 'completed'].includes(phase), `phase while charting: ${phase}`);
    // The README's picture: a few epochs in, with both charts drawn.
    await view.locator('#epoch-rows tr[data-epoch="3"]').waitFor({ state: 'attached', timeout: 180_000 });
    await screenshot(page, 'ui-3-dashboard-mid-training');
    await view.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
    await view.locator('#confusion-table').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-3-confusion-matrix');
    const summary = (await view.locator('#results-summary').textContent()) ?? '';
    const acc = Number(/Validation accuracy ([\d.]+)%/.exec(summary)?.[1]);
    const runs = join(session().workspace, '.finetune', 'runs');
    const saved = readdirSync(runs).filter((d) => existsSync(join(runs, d, 'model', 'model.json')));
    assert.ok(saved.length >= 1, `no saved model under ${runs}`);
    assert.ok(acc >= 97, `validation accuracy ${acc}% (${summary})`);
  }, { timeout: 600_000 });

  scenario('a confusion-matrix cell lists its files and a file opens in an editor', async ({ page }) => {
    const view = await dashboard(page);
    await view.locator('#confusion-table td.diag').first().click();
    const link = view.locator('#cell-files a').first();
    await link.waitFor();
    const name = ((await link.textContent()) ?? '').split('/').pop();
    await link.click();
    await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 30_000 });
    await runCommandSoon(page, 'View: Close Editor'); // the image, which is the active editor now
  });
});
