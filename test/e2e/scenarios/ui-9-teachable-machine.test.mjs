// Scenario 9: a Teachable Machine export (its exact nested-Sequential
// topology and metadata.json, on a small stand-in for MobileNet so that it
// trains in seconds) opened from the Explorer: the Layers view and the
// dashboard show its model card with the original labels, the default cut is
// the pooled features (not the old classifier), and fine-tuning it on a
// folder of colour images saves Teachable Machine's preprocessing with the run.
// First, Classify Image… with no labelled model says so before any dialog.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, revealExplorerPath, scenario, screenshot, session, treeRow, treeRows, viewPane, waitForNotification } from '../harness.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { chooseFromContextMenu, dashboard, focusWorkbench, runCommandSoon, setField, startRun } from './ui-helpers.mjs';

const CARD = 'Teachable Machine image model (2 classes: diseased leaves, healthy leaves)';
const RUNS = '.finetune/tm-runs';

/** Writes the export, the same export without metadata.json, and a colour dataset, with the unit tests' helper. */
function writeFixtures(workspace) {
  const script = `import('./test/helpers/teachableMachine.ts').then(async (m) => {
    const h = m.default ?? m;
    await h.writeTinyTeachableMachineExport(${JSON.stringify(join(workspace, 'tm-model'))});
    await h.writeTinyTeachableMachineExport(${JSON.stringify(join(workspace, 'tm-unlabelled'))});
    await h.writeColourDataset(${JSON.stringify(join(workspace, 'colours'))});
  })`;
  execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  rmSync(join(workspace, 'tm-unlabelled', 'metadata.json'));
}

/** Right-clicks a model.json in the Explorer and opens it in Finetune Studio. */
async function openModelJson(page, folder) {
  await focusWorkbench(page);
  const row = await revealExplorerPath(page, [folder, 'model.json']);
  await row.click({ button: 'right' });
  await chooseFromContextMenu(page, 'Open in Finetune Studio');
}

describe('ui: Teachable Machine export', () => {
  scenario('Classify Image… with no labelled model says so before any dialog opens', async ({ page, session: s }) => {
    if (!existsSync(join(s.workspace, 'tm-model'))) writeFixtures(s.workspace);
    // Runs go to a fresh folder for this scenario (no run has a model yet), and the open model names no classes.
    mkdirSync(join(s.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(s.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'finetune.runsFolder': RUNS }));
    // The settings file is read through a file watcher: wait until the Runs view lists the new, empty folder,
    // or Classify would still see the runs of earlier scenarios and open its file dialog instead.
    await runCommandSoon(page, 'Finetune: Focus on Runs View');
    await (await viewPane(page, 'Runs')).getByText('No runs in this workspace yet').waitFor({ state: 'visible', timeout: 120_000 });
    await openModelJson(page, 'tm-unlabelled');
    await runCommandSoon(page, 'Finetune: Focus on Layers View');
    await treeRow(await viewPane(page, 'Layers'), 'out_relu').waitFor({ state: 'visible', timeout: 60_000 });
    await runCommandSoon(page, 'Finetune: Classify Image…');
    const toast = await waitForNotification(page, 'no model with labels', { timeout: 30_000 });
    assert.match((await toast.textContent()) ?? '', /Finetune: no model with labels to classify with/);
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no quick pick or file dialog opened');
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no dialog opened');
  }, { timeout: 300_000 });

  scenario('its model card shows the original labels, and it fine-tunes from its pooled features', async ({ page }) => {
    const workspace = session().workspace;
    try {
      await fineTuneExport(page, workspace);
    } finally {
      rmSync(join(workspace, '.vscode'), { recursive: true, force: true }); // later scenarios use the usual runs folder
    }
  }, { timeout: 600_000 });
});

/** Opens tm-model, checks its card and cut, fine-tunes it on colours/ and checks the saved run. */
async function fineTuneExport(page, workspace) {
  await openModelJson(page, 'tm-model');
  await runCommandSoon(page, 'Finetune: Focus on Layers View');
  const layers = await viewPane(page, 'Layers');
  await treeRow(layers, CARD).waitFor({ state: 'visible', timeout: 60_000 });
  // The default cut is the pooling inside the feature Sequential; the old Dense(100) → Dense(2) head is removed by it.
  await treeRows(layers, 'global_average_pooling2d').filter({ hasText: '✂ cut' }).first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'ui-9-teachable-machine-layers');

  const view = await dashboard(page);
  await view.locator('#model-card', { hasText: CARD }).waitFor({ timeout: 30_000 });
  await focusWorkbench(page);
  const colours = await revealExplorerPath(page, ['colours']);
  await colours.click({ button: 'right' });
  await chooseFromContextMenu(page, 'Fine-tune on this Dataset');
  const run = await dashboard(page);
  await run.locator('#health-summary', { hasText: '3 classes' }).waitFor({ timeout: 60_000 });
  assert.equal((await run.locator('#model-card').textContent())?.trim(), CARD, 'the dataset did not replace the model');
  // 18 training images: small batches and a higher rate than the defaults, as the unit round-trip test uses.
  await setField(run, 'hyper-learningRate', 0.05);
  await setField(run, 'hyper-batchSize', 8);
  await setField(run, 'hyper-epochs', 25);
  await startRun(run);
  await run.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
  await screenshot(page, 'ui-9-teachable-machine-trained');

  const runsDir = join(workspace, RUNS);
  const saved = readdirSync(runsDir).filter((d) => existsSync(join(runsDir, d, 'model', 'model.json')));
  assert.equal(saved.length, 1, `one saved run under ${runsDir}`);
  const model = join(runsDir, saved[0], 'model');
  assert.deepEqual(JSON.parse(readFileSync(join(model, 'labels.json'), 'utf8')), ['blue', 'green', 'red']);
  const pre = JSON.parse(readFileSync(join(model, 'preprocessing.json'), 'utf8'));
  assert.equal(pre.resize, 'centerCrop');
  assert.deepEqual(pre.range, { kind: 'meanStd', mean: [127 / 255], std: [127 / 255] }, "Teachable Machine's x/127 − 1");
  const summary = (await run.locator('#results-summary').textContent()) ?? '';
  const acc = Number(/Validation accuracy ([\d.]+)%/.exec(summary)?.[1]);
  assert.ok(acc >= 80, `validation accuracy ${acc}% on three colours (${summary})`);
}
