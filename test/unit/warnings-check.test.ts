// The trainer's `warnings` request: the warnings of a spec from the run's own
// setup, without training. The same model, dataset and spec give the ids a run
// reports (train-frozen-check.test.ts), no run folder is made, no backend is
// probed, and a bad spec is refused with a one-line error.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { checkRunWarnings } from '../../src/engine/runWarningsCheck';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir: string;
let dataDir: string;

before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('check-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('check-data'), 'bands'));
});

test('a spec that unfreezes a convolution at a high rate on few images gets the warnings its run would report, and no run folder', async () => {
  const runsDir = tempDir('check-runs');
  const spec = { modelDir, dataDir, runsDir, preprocessing: PRE, train: 'top:1', epochs: 2, batchSize: 8, learningRate: 0.05, validationSplit: 0.25 };
  const warnings = await checkRunWarnings(spec, { selectBackend: cpuBackend });
  assert.deepEqual(warnings.map((w) => w.id), ['learningRateHigh', 'fewImagesWideTraining', 'smallValidation']);
  assert.deepEqual(warnings[0].fix?.patch, { learningRate: 1e-4 });
  assert.deepEqual(readdirSync(runsDir), [], 'a check writes nothing into the runs folder');
});

test('the head alone at the default rate raises neither the rate nor the few-images warning', async () => {
  const spec = { modelDir, dataDir, runsDir: tempDir('check-runs'), preprocessing: PRE, train: 'head', epochs: 2, batchSize: 8, validationSplit: 0.25 };
  const warnings = await checkRunWarnings(spec, { selectBackend: cpuBackend });
  assert.deepEqual(warnings.map((w) => w.id), ['smallValidation']);
});

test('a bad spec and a missing dataset are refused with one line', async () => {
  await assert.rejects(checkRunWarnings({ modelDir, dataDir, runsDir: '/r', learningRate: -1 }, { selectBackend: cpuBackend }), /^TrainSetupError: invalid training spec: learningRate: .+$/m);
  await assert.rejects(checkRunWarnings({ modelDir, dataDir: join(dataDir, 'nope'), runsDir: '/r', preprocessing: PRE }, { selectBackend: cpuBackend }), (e: Error) => !e.message.includes('\n') && /nope/.test(e.message));
});

test('a check keeps the backend the process has: no GPU or wasm probe on every change in the dashboard', async () => {
  await tf.setBackend('cpu');
  const warnings = await checkRunWarnings({ modelDir, dataDir, runsDir: tempDir('check-runs'), preprocessing: PRE, train: 'head', validationSplit: 0.25 });
  assert.deepEqual(warnings.map((w) => w.id), ['smallValidation']);
  assert.equal(tf.getBackend(), 'cpu');
});
