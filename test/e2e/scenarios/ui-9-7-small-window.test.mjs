// Issue 15, problem 7: small windows. At 1024×700 Start and Stop stay on
// screen however far the dashboard is scrolled; a Runs row keeps its status
// (icon and label) visible when the sidebar is narrow; a layer's icon cannot
// be mistaken for a checkbox.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot, treeRow, treeRows, viewPane } from '../harness.mjs';
import { openDemoModel, readyDashboard } from './ui-helpers.mjs';
import { runsRows } from './ui-9-helpers.mjs';

/** Whether the element's box lies inside the 1024×700 window. */
async function onScreen(locator) {
  const box = await locator.boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= 700 && box.x >= 0 && box.x + box.width <= 1024;
}

describe('ui-9: small windows', () => {
  scenario('at 1024×700 Start and Stop stay visible; Runs rows keep their status; layer icons are not checkboxes', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      const view = await readyDashboard(page);
      await view.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForTimeout(300);
      assert.ok(await view.evaluate(() => window.scrollY > 200), 'the page is long enough to scroll');
      assert.ok(await onScreen(view.locator('#start')), 'Start is on screen after scrolling to the bottom');
      assert.ok(await onScreen(view.locator('#stop')), 'Stop is on screen after scrolling to the bottom');
      await screenshot(page, 'ui-9-7-small-window');

      const rows = await runsRows(page);
      for (const row of rows) assert.match(row.label, /^(Running|Completed|Stopped|Failed|Interrupted)( · \d+\.\d%)?$/, JSON.stringify(row));
      const pane = await viewPane(page, 'Runs');
      const clipped = await treeRows(pane).evaluateAll((els) =>
        els.filter((row) => {
          const label = row.querySelector('.label-name');
          return !label || label.getBoundingClientRect().right > row.getBoundingClientRect().right || !row.querySelector('.custom-view-tree-node-item-icon, .codicon');
        }).length,
      );
      assert.equal(clipped, 0, 'every row shows its status icon and its whole status label');

      const layers = await openDemoModel(page);
      const conv = treeRow(layers, 'conv2'); // 'conv1' would also match conv1_input
      assert.equal(await conv.locator('.codicon-symbol-array').count(), 0, 'no "[ ]" icon beside the checkbox');
      assert.equal(await conv.locator('.codicon-layers').count(), 1);
      await screenshot(page, 'ui-9-7-sidebar');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, { timeout: 300_000 });
});
