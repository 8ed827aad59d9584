// Scenario 3: uncheck, then check, a layer in the tree → the dashboard's
// trainable-params count changes both times (one freeze plan, two views).
import assert from 'node:assert/strict';
import { describe, scenario, screenshot, treeCheckbox, treeRow } from '../harness.mjs';
import { dashboard, openDemoModel, trainableParams } from './ui-helpers.mjs';

/**
 * Clicks a tree checkbox until the dashboard's count leaves `from`. The tree
 * re-renders on every plan change, so a click can land on a row that is
 * being replaced; a lost click is retried, a registered one is not repeated.
 */
async function toggle(page, pane, name, view, from) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const box = treeCheckbox(treeRow(pane, name));
    await box.click();
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const now = await trainableParams(view);
      if (now !== from) return now;
      await page.waitForTimeout(200);
    }
  }
  throw new Error(`the dashboard count stayed at ${from} after clicking ${name}'s checkbox`);
}

describe('ui: freeze plan sync', () => {
  scenario('toggling a layer checkbox changes the dashboard count both ways', async ({ page }) => {
    const view = await dashboard(page);
    const pane = await openDemoModel(page);
    const box = () => treeCheckbox(treeRow(pane, 'conv2'));
    await box().waitFor({ state: 'visible' });
    if ((await view.locator('#dataset-path').textContent())?.startsWith('No dataset')) {
      assert.equal(await view.locator('#start[disabled]').count(), 1, 'Start is disabled without a dataset');
    }
    // Start from conv2 trainable, so the first click unchecks it.
    if ((await box().getAttribute('aria-checked')) !== 'true') await toggle(page, pane, 'conv2', view, await trainableParams(view));
    const start = await trainableParams(view);
    assert.equal(await box().getAttribute('aria-checked'), 'true');

    const frozen = await toggle(page, pane, 'conv2', view, start); // uncheck: conv2 freezes
    assert.equal(start - frozen, 9248, `conv2 has 9248 params: ${start} → ${frozen}`);
    assert.equal(await box().getAttribute('aria-checked'), 'false');

    const again = await toggle(page, pane, 'conv2', view, frozen); // check again: conv2 trains
    assert.equal(again, start);
    await screenshot(page, 'ui-2-freeze-sync');
    // Leave the plan as the run scenarios expect it: head only.
    await view.locator('#preset-head').click();
    await view.locator('#trainable-detail', { hasText: ' 0 base layers train' }).waitFor();
  });
});
