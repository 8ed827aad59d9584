// Scenario 1: Open Demo Model → the Layers view lists the demo CNN's layers with params.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot, treeRow, treeRows, waitForOutput } from '../harness.mjs';
import { openDemoModel } from './ui-helpers.mjs';

describe('ui: layers', () => {
  scenario('Open Demo Model lists the demo CNN layers with output shapes and params', async ({ page }) => {
    const pane = await openDemoModel(page);
    for (const name of ['conv1', 'conv2', 'pool', 'flatten', 'dense1', 'predictions']) {
      await treeRow(pane, name).waitFor({ state: 'visible' });
    }
    const conv2 = (await treeRow(pane, 'conv2').textContent()) ?? '';
    // conv2: 3×3×32×32 weights + 32 biases = 9248 params; output [?, 24, 24, 32].
    assert.match(conv2, /\[\?, 24, 24, 32\]/, conv2);
    assert.match(conv2, /9248 params/, conv2);
    const totals = (await treeRows(pane).first().textContent()) ?? '';
    assert.match(totals, /trainable of .* params · cut at/, `totals row: ${totals}`);
    await waitForOutput(/opened .*demo.*model: \d+ layers/);
    await screenshot(page, 'ui-1-layers');
  });
});
