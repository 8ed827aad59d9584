// Every tensor a run allocates is freed, whatever happens: a setup failure
// after the model loaded, a resume (from `last` and from `best`), and runs of
// each shape (feature cache, per-batch prefix, Graph model). Counted with
// tf.memory().numTensors around each call.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { resumeTraining, runTraining, type RunTrainingOptions } from '../../src/engine/runTraining';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';
import { writeBandGraph } from './graph-fixtures';

let modelDir = '';
let dataDir = '';
let oneClass = '';
const graphDir = writeBandGraph().dir;
before(async () => {
  await cpuBackend();
  modelDir = await writeBaseModel(join(tempDir('leak-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('leak-data'), 'bands'), 8);
  oneClass = await writeDataset(join(tempDir('leak-one'), 'one'), 4, ['only']);
  // Warm up: the first run registers kernels and backend state that live for the process.
  await runTraining(spec(), options());
});

function spec(overrides: Partial<TrainSpecInput> = {}): TrainSpecInput {
  return { modelDir, dataDir, runsDir: tempDir('leak-runs'), preprocessing: PRE, train: 'top:1', epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 2, earlyStoppingPatience: 3, ...overrides };
}

function options(extra: Partial<RunTrainingOptions> = {}): RunTrainingOptions {
  return { onEvent: () => {}, selectBackend: cpuBackend, ...extra };
}

/** Runs `body` and returns how many tensors it left behind. */
async function leaked(body: () => Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await body();
  return tf.memory().numTensors - before;
}

test('a setup failure after the model loaded leaks nothing', async () => {
  const failures: [string, Partial<TrainSpecInput>][] = [
    ['unknown cut (after the base model loaded)', { cut: 'nope' }],
    ['one class folder (after the base model loaded)', { dataDir: oneClass }],
    ['one class folder (after the Graph model loaded and was traced)', { modelDir: graphDir, dataDir: oneClass, train: 'head', preprocessing: undefined }],
    ['a Graph cut no head takes', { modelDir: graphDir, cut: 'flat/shape', train: 'head', preprocessing: undefined }],
  ];
  for (const [what, overrides] of failures) {
    const count = await leaked(() => assert.rejects(runTraining(spec(overrides), options())));
    assert.equal(count, 0, `${what}: ${count} tensors leaked`);
  }
});

test('runs of every shape leak nothing: feature cache, per-batch prefix (augmentation), whole model, two phases, Graph', async () => {
  const runs: [string, Partial<TrainSpecInput>][] = [
    ['feature cache', {}],
    ['per-batch prefix', { augment: true }],
    ['whole model trains', { train: 'all' }],
    ['two phases', { twoPhase: { headEpochs: 1, lrMultiplier: 0.1 } }],
    ['Graph model', { modelDir: graphDir, train: 'head', preprocessing: undefined }],
  ];
  for (const [what, overrides] of runs) {
    const count = await leaked(() => runTraining(spec(overrides), options()));
    assert.equal(count, 0, `${what}: ${count} tensors leaked`);
  }
});

test('a resume from last, and one from best, leak none of the checkpoint and optimizer tensors', async () => {
  for (const from of ['last', 'best']) {
    const controller = new AbortController();
    const cut = await runTraining(spec(), options({ signal: controller.signal, onCheckpoint: (e) => e === 1 && controller.abort() }));
    assert.equal(cut.stopReason, 'cancelled');
    if (from === 'best') truncateSync(join(cut.runDir, 'checkpoints', 'last', 'weights.bin'), 10);
    const events: string[] = [];
    const count = await leaked(async () => {
      const result = await resumeTraining(cut.runDir, options({ onEvent: (e) => e.type === 'log' && events.push(e.message) }));
      assert.equal(result.stopReason, 'completed');
    });
    assert.equal(count, 0, `resume from ${from}: ${count} tensors leaked`);
    assert.equal(events.some((m) => m.includes('resuming from the best checkpoint')), from === 'best');
  }
});

test('a resume that fails after reading its checkpoints leaks nothing', async () => {
  const controller = new AbortController();
  const cut = await runTraining(spec(), options({ signal: controller.signal, onCheckpoint: (e) => e === 1 && controller.abort() }));
  // Backend selection fails after the checkpoint tensors exist.
  const count = await leaked(() => assert.rejects(resumeTraining(cut.runDir, options({ selectBackend: async () => { throw new Error('no backend today'); } }))));
  assert.equal(count, 0, `${count} tensors leaked`);
});
