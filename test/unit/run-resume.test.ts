import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { resumeTraining, runTraining } from '../../src/engine/runTraining';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { CheckpointError } from '../../src/engine/run/checkpoint';
import type { TrainEvent } from '../../src/shared/events';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import type { Callback } from '../../src/engine/train/callbacks';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('resume-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('resume-data'), 'bands'));
});

// top:1 trains a convolution on cached features; adam, dropout, plateau and early stopping all carry state.
const spec = (runsDir: string): TrainSpecInput => ({
  modelDir, dataDir, runsDir, preprocessing: PRE, train: 'top:1', epochs: 5, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, seed: 5,
  earlyStoppingPatience: 4, reduceOnPlateau: { patience: 1, factor: 0.5 },
});

async function weightsOf(dir: string): Promise<Float32Array[]> {
  const model = await loadLayersModelFromDir(dir);
  const values = model.weights.map((w) => w.read().dataSync() as Float32Array);
  model.dispose();
  return values;
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  assert.equal(a.length, b.length);
  let max = 0;
  a.forEach((arr, i) => arr.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
  return max;
}

/** A stateful callback that comes in through the run options: its count must survive a resume. */
class BatchCounter implements Callback {
  readonly stateKey = 'batchCounter';
  count = 0;
  onBatchEnd(): void {
    this.count++;
  }
  getState(): { count: number } {
    return { count: this.count };
  }
  setState(state: { count: number }): void {
    this.count = state.count;
  }
}

async function interruptedAfter(epoch: number, callbacks: Callback[] = []) {
  const controller = new AbortController();
  const result = await runTraining(spec(tempDir('resume-runs')), {
    callbacks,
    onEvent: () => {},
    signal: controller.signal,
    selectBackend: cpuBackend,
    onCheckpoint: (e) => e === epoch && controller.abort(),
  });
  assert.equal(result.stopReason, 'cancelled');
  return result;
}

test('a run interrupted after epoch 2 and resumed ends with the same weights as an uninterrupted run', async () => {
  const wholeCounter = new BatchCounter();
  const whole = await runTraining(spec(tempDir('resume-runs')), { onEvent: () => {}, selectBackend: cpuBackend, callbacks: [wholeCounter] });
  const cut = await interruptedAfter(2, [new BatchCounter()]);
  assert.equal(cut.epochs, 2);
  const events: TrainEvent[] = [];
  const resumedCounter = new BatchCounter();
  const resumed = await resumeTraining(cut.runDir, { onEvent: (e) => events.push(e), selectBackend: cpuBackend, callbacks: [resumedCounter] });
  assert.equal(resumedCounter.count, wholeCounter.count, 'the callback state came back from the checkpoint');
  assert.equal(resumed.runDir, cut.runDir);
  assert.equal(resumed.epochs, whole.epochs);
  assert.ok(events.some((e) => e.type === 'log' && /Resuming .* after epoch 2/.test(e.message)));
  assert.deepEqual(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : 0)), [3, 4, 5]);
  assert.ok(maxAbsDiff(await weightsOf(whole.modelDir), await weightsOf(resumed.modelDir)) < 1e-5);
  assert.equal(resumed.valAccuracy, whole.valAccuracy);
  const epochs = readFileSync(join(cut.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
  assert.deepEqual(epochs, [1, 2, 3, 4, 5]);
});

test('a damaged last checkpoint falls back to best; damaged both is a clear error', async () => {
  const cut = await interruptedAfter(3);
  truncateSync(join(cut.runDir, 'checkpoints', 'last', 'weights.bin'), 10);
  const events: TrainEvent[] = [];
  const resumed = await resumeTraining(cut.runDir, { onEvent: (e) => events.push(e), selectBackend: cpuBackend });
  assert.ok(events.some((e) => e.type === 'log' && e.level === 'warn' && /checksum mismatch.*resuming from the best checkpoint/.test(e.message)));
  assert.equal(resumed.stopReason, 'completed');

  const again = await interruptedAfter(2);
  writeFileSync(join(again.runDir, 'checkpoints', 'last', 'state.json'), '{ bad');
  writeFileSync(join(again.runDir, 'checkpoints', 'best', 'sha256.json'), 'nope');
  await assert.rejects(resumeTraining(again.runDir, { onEvent: () => {}, selectBackend: cpuBackend }), (err: Error) => err instanceof CheckpointError && /cannot resume/.test(err.message) && !err.message.includes('\n'));
});

test('a checkpoint from a different spec is refused', async () => {
  const cut = await interruptedAfter(1);
  const specFile = join(cut.runDir, 'spec.json');
  writeFileSync(specFile, readFileSync(specFile, 'utf8').replace('"epochs": 5', '"epochs": 6'));
  await assert.rejects(resumeTraining(cut.runDir, { onEvent: () => {}, selectBackend: cpuBackend }), /different spec/);
});

test('fine-tune resumes across the phase boundary and inside the grouped phase, with every group\'s optimizer state', async () => {
  const fineTune = (runsDir: string): TrainSpecInput => ({ ...spec(runsDir), train: 'fine-tune', epochs: 4, reduceOnPlateau: { patience: 0, factor: 0.5 } });
  const whole = await runTraining(fineTune(tempDir('resume-runs')), { onEvent: () => {}, selectBackend: cpuBackend });
  for (const stopAfter of [1, 3]) {
    const controller = new AbortController();
    const cut = await runTraining(fineTune(tempDir('resume-runs')), { onEvent: () => {}, signal: controller.signal, selectBackend: cpuBackend, onCheckpoint: (e) => e === stopAfter && controller.abort() });
    assert.equal(cut.epochs, stopAfter);
    const state = JSON.parse(readFileSync(join(cut.runDir, 'checkpoints', 'last', 'state.json'), 'utf8'));
    assert.equal(state.phase, stopAfter === 1 ? 0 : 1);
    if (stopAfter === 3) assert.equal(state.learningRates.length, 3, 'conv1, conv2 and the head (cut at flatten), each with its rate');
    const resumed = await resumeTraining(cut.runDir, { onEvent: () => {}, selectBackend: cpuBackend });
    assert.equal(resumed.epochs, 4);
    assert.ok(maxAbsDiff(await weightsOf(whole.modelDir), await weightsOf(resumed.modelDir)) < 1e-5, `resumed after epoch ${stopAfter}`);
  }
});
