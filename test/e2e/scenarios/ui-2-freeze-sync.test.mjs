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
    // Toggle conv2 from whatever the plan says, then back, so the plan the
    // run scenarios use (the demo's) is the same set of layers afterwards.
    const wasTrainable = (await box().getAttribute('aria-checked')) === 'true';
    const start = await trainableParams(view);
    const changed = await toggle(page, pane, 'conv2', view, start);
    assert.equal(Math.abs(changed - start), 9248, `conv2 has 9248 params: ${start} → ${changed}`);
    assert.equal(changed > start, !wasTrainable, 'checking adds the params, unchecking removes them');
    assert.equal(await box().getAttribute('aria-checked'), wasTrainable ? 'false' : 'true');
    const back = await toggle(page, pane, 'conv2', view, changed);
    assert.equal(back, start);
    assert.equal(await box().getAttribute('aria-checked'), wasTrainable ? 'true' : 'false');
    await screenshot(page, 'ui-2-freeze-sync');
  });
});
