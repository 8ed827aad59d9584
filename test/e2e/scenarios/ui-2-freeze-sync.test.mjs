// Scenario 3: uncheck, then check, a layer in the tree → the dashboard's
// trainable-params count changes both times (one freeze plan, two views).
import assert from 'node:assert/strict';
import { describe, scenario, screenshot, treeCheckbox, treeRow } from '../harness.mjs';
import { dashboard, openDemoModel, trainableParams } from './ui-helpers.mjs';

describe('ui: freeze plan sync', () => {
  scenario('toggling a layer checkbox changes the dashboard count both ways', async ({ page }) => {
    const view = await dashboard(page);
    const pane = await openDemoModel(page);
    const box = treeCheckbox(treeRow(pane, 'conv2'));
    await box.waitFor({ state: 'visible' });
    // Start from conv2 trainable, so the first click unchecks it.
    if ((await box.getAttribute('aria-checked')) !== 'true') {
      await box.click();
      await page.locator('.custom-view-tree-node-item-checkbox[aria-checked="true"]').first().waitFor();
    }
    const start = await trainableParams(view);
    if ((await view.locator('#dataset-path').textContent())?.startsWith('No dataset')) {
      assert.equal(await view.locator('#start[disabled]').count(), 1, 'Start is disabled without a dataset');
    }
    await box.click(); // uncheck: conv2 freezes
    await view.locator('#trainable-params').filter({ hasNotText: start.toLocaleString('en-US') }).waitFor();
    const frozen = await trainableParams(view);
    assert.equal(start - frozen, 9248, `conv2 has 9248 params: ${start} → ${frozen}`);
    assert.equal(await box.getAttribute('aria-checked'), 'false');
    await box.click(); // check again: conv2 trains
    await view.locator('#trainable-params').filter({ hasText: start.toLocaleString('en-US') }).waitFor();
    assert.equal(await trainableParams(view), start);
    await screenshot(page, 'ui-2-freeze-sync');
    // Leave the plan as the run scenarios expect it: head only.
    await view.locator('#preset-head').click();
  });
});
