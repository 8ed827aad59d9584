// Scenario 8: a TF.js Graph model (the uint8 MobileNetV2 that nsfwjs ships),
// opened from the Explorer's menu on its model.json. The Layers view lists
// its nodes grouped by name scope, with ops and traced shapes; the default
// cut is the feature vector that feeds its classifier, and *Cut here* moves
// it to another node. It is a frozen feature extractor, so the dashboard's
// freeze controls are off with a one-line reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, explorerRow, openPalette, scenario, screenshot, treeCheckbox, treeRows, viewPane } from '../harness.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { chooseFromContextMenu, dashboard, ensureDigits, focusWorkbench, runCommandSoon } from './ui-helpers.mjs';

/** The Graph model folder, extracted from nsfwjs by the same script the unit tests use. */
function graphModelDir() {
  // The script is CommonJS TypeScript: a dynamic import sees its exports under `default`.
  const script = "import('./scripts/extract-nsfwjs-fixtures.ts').then((m) => process.stdout.write((m.default ?? m).extractNsfwjsModel('mobilenet_v2_mid')))";
  return execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8' }).trim();
}

describe('ui: Graph model', () => {
  scenario('a Graph model opened from its model.json lists its nodes, cuts where asked, and locks the freeze controls', async ({ page, session }) => {
    const target = join(session.workspace, 'graph-model');
    if (!existsSync(target)) cpSync(graphModelDir(), target, { recursive: true });

    // Earlier scenarios leave long digit folders open, and the Explorer renders only the rows in
    // view: open the file with the Explorer showing, so that it scrolls to it and selects it
    // (explorer.autoReveal), as scenario 5 does.
    ensureDigits(); // present after earlier scenarios; copied here when this one runs alone
    await focusWorkbench(page);
    await explorerRow(page, 'digits');
    await focusWorkbench(page);
    const quickOpen = await openPalette(page);
    await quickOpen.fill('graph-model/model.json'); // without '>', the palette is Quick Open
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'graph-model' }).first().click();
    const row = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'model.json' }).first();
    await row.waitFor();
    await row.click({ button: 'right' });
    await chooseFromContextMenu(page, 'Open in Finetune Studio');

    // The Layers view lists the graph's nodes by name scope, each with its op and traced output shape, without checkboxes.
    await runCommandSoon(page, 'Finetune: Focus on Layers View');
    const layers = await viewPane(page, 'Layers');
    const output = treeRows(layers, 'Identity').filter({ hasText: '[?, 5]' }).first();
    await output.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await output.textContent()) ?? '', /Identity · \[\?, 5\]/, 'the output node shows its op and shape');
    assert.equal(await treeCheckbox(output).count(), 0, 'a Graph model has no node that could be made to train');
    await treeRows(layers, 'StatefulPartitionedCall').first().waitFor({ state: 'visible' }); // the name scope holding the network
    // The default cut is the feature vector that feeds the classifier, not the five probabilities.
    const totals = treeRows(layers, 'cut at').first();
    assert.match((await totals.textContent()) ?? '', /cut at \S*feature_vector\/SpatialSqueeze/);
    // *Cut here* on the output node moves the cut there.
    await output.click({ button: 'right' });
    await chooseFromContextMenu(page, 'Cut here (new head)');
    await treeRows(layers, 'cut at Identity').first().waitFor({ state: 'visible', timeout: 30_000 });

    const view = await dashboard(page);
    const note = view.locator('#plan-note');
    await note.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await note.textContent()) ?? '', /Graph models are frozen feature extractors: only the new head trains/);
    assert.equal(await view.locator('#plan-section.locked').count(), 1, 'the plan section is locked');
    assert.equal(await view.locator('#preset[disabled]').count(), 1, 'the presets are disabled');
    assert.equal(await view.locator('#top-k').isDisabled(), true, 'the top-K slider is disabled');
    await screenshot(page, 'ui-8-graph-model');
  }, { timeout: 300_000 });
});
