// Issue 15, problem 3: the screen is about the current choice. Choosing
// another dataset clears the previous run's status, charts and results (they
// stay in Runs); opening a model keeps the user's edits and offers the
// model's suggested settings instead of silently replacing them.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, ensureDigits, readyDashboard, runCommandSoon, setField } from './ui-helpers.mjs';
import { ensureBadData, fineTuneFromExplorer } from './ui-9-helpers.mjs';

describe('ui-9: no stale state', () => {
  scenario('another dataset clears the earlier run from the screen; Start says why it is off', async ({ page }) => {
    let view = await readyDashboard(page);
    // An earlier run's end on screen (a completed run from ui-9-2, or one made here).
    if ((await view.locator('#run-section[data-phase="idle"]').count()) > 0) {
      await setField(view, 'hyper-epochs', 1);
      await view.locator('#start:not([disabled])').click();
      await view.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
    }
    ensureBadData();
    await fineTuneFromExplorer(page, 'baddata');
    view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '3 classes' }).waitFor({ timeout: 120_000 });
    await view.locator('#run-section[data-phase="idle"]').waitFor();
    assert.match((await view.locator('#status-line').textContent()) ?? '', /^Ready\./, 'no stale "Completed…" or "Failed…"');
    assert.equal(await view.locator('#results-section').isVisible(), false, 'the earlier results left the screen');
    assert.equal(await view.locator('#charts-section').getAttribute('data-epochs'), '0');
    assert.equal(await view.locator('#start[disabled]').count(), 1, 'Start is off on a dataset that cannot be used');
    assert.match((await view.locator('#start-reason').textContent()) ?? '', /^Start is off: The dataset cannot be used: class 'lonely' has 1 training image/);
    await screenshot(page, 'ui-9-3-new-dataset');
  }, { timeout: 400_000 });

  scenario("opening the demo model keeps the user's edits and offers its suggested settings", async ({ page }) => {
    ensureDigits();
    await fineTuneFromExplorer(page, 'digits');
    const view = await dashboard(page);
    await setField(view, 'hyper-batchSize', 3);
    await setField(view, 'hyper-epochs', 10);
    await runCommandSoon(page, 'Finetune: Open Demo Model');
    const offer = view.locator('#suggestion');
    await offer.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await view.locator('input#hyper-batchSize').inputValue(), '3', 'the edit is kept');
    assert.equal(await view.locator('input#hyper-epochs').inputValue(), '10');
    const text = (await offer.textContent()) ?? '';
    assert.match(text, /Your edits were kept\. The demo model suggests .*Batch size 16 \(yours: 3\).*Epochs 30 \(yours: 10\)/, text);
    await screenshot(page, 'ui-9-3-suggested-settings');
    await view.locator('#use-suggested').click();
    await offer.waitFor({ state: 'hidden' });
    await view.waitForFunction(() => document.querySelector('#hyper-epochs')?.value === '30', null, { timeout: 10_000 });
    assert.equal(await view.locator('input#hyper-batchSize').inputValue(), '16');
  }, { timeout: 300_000 });
});
