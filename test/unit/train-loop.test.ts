import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { fit, oneGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { ProgressEvents } from '../../src/engine/train/progress';
import { EarlyStopping, ReduceOnPlateau, type Callback } from '../../src/engine/train/callbacks';
import { buildFeatureCache } from '../../src/engine/train/featureCache';
import { Rng } from '../../src/engine/util/rng';
import { NonFiniteLossError } from '../../src/engine/train/errors';
import type { TensorSource } from '../../src/engine/train/source';
import type { TrainEvent } from '../../src/shared/events';
import { countPredictions, tinyData, tinyNet } from './train-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

async function trainTiny(options: { seed: number; cached: boolean; whole?: boolean; epochs?: number; dropout?: number; callbacks?: Callback[]; signal?: AbortSignal }) {
  const net = tinyNet(options.seed, options.dropout);
  const train = tinyData(48, 1);
  const validation = tinyData(18, 2);
  const optimizer = makeOptimizer('adam', 0.01);
  let sources: { train: TensorSource; validation: TensorSource } = { train: train.x, validation: validation.x };
  let prefix: tf.LayersModel | undefined = net.prefix;
  if (options.cached) {
    const [t, v] = await buildFeatureCache(net.prefix, [{ name: 'train', pixels: train.x }, { name: 'validation', pixels: validation.x }], { batchSize: 16, dir: '/nonexistent' });
    sources = { train: t, validation: v };
    prefix = undefined;
  }
  const result = await fit({
    // `whole`: the naive path, the full model with its frozen layer inside the tape.
    model: options.whole ? net.full : net.suffix,
    prefix: options.whole ? undefined : prefix,
    groups: oneGroup(optimizer),
    train: { x: sources.train, y: train.y },
    validation: { x: sources.validation, y: validation.y },
    batchSize: 8,
    firstEpoch: 1,
    lastEpoch: options.epochs ?? 3,
    rng: new Rng(options.seed),
    callbacks: options.callbacks,
    signal: options.signal,
  });
  optimizer.dispose();
  return { ...result, net };
}

test('same seed on cpu gives identical metrics on a rerun', async () => {
  const a = await trainTiny({ seed: 7, cached: false });
  const b = await trainTiny({ seed: 7, cached: false });
  assert.equal(a.history.length, 3);
  assert.deepEqual(a.history, b.history);
  const c = await trainTiny({ seed: 8, cached: false });
  assert.notDeepEqual(a.history, c.history, 'a different seed should change something');
});

test('the cached path gives the same metrics as the uncached path, dropout included', async () => {
  const cached = await trainTiny({ seed: 3, cached: true });
  for (const uncached of [await trainTiny({ seed: 3, cached: false }), await trainTiny({ seed: 3, cached: false, whole: true })]) {
    for (const [i, h] of cached.history.entries()) {
      for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const) {
        assert.ok(Math.abs(h[key] - uncached.history[i][key]) < 1e-5, `epoch ${h.epoch} ${key}: ${h[key]} vs ${uncached.history[i][key]}`);
      }
    }
  }
  // Training changed the suffix but never the frozen prefix.
  assert.ok(cached.history[2].loss < cached.history[0].loss);
});

test('the prefix runs exactly once per image with the feature cache', async () => {
  const net = tinyNet(1);
  const counter = countPredictions(net.prefix);
  const train = tinyData(40, 1);
  const validation = tinyData(13, 2);
  const [t, v] = await buildFeatureCache(net.prefix, [{ name: 'train', pixels: train.x }, { name: 'validation', pixels: validation.x }], { batchSize: 16, dir: '/nonexistent' });
  const optimizer = makeOptimizer('sgd', 0.05);
  await fit({ model: net.suffix, groups: oneGroup(optimizer), train: { x: t, y: train.y }, validation: { x: v, y: validation.y }, batchSize: 8, firstEpoch: 1, lastEpoch: 4, rng: new Rng(1) });
  assert.equal(counter.examples, 40 + 13);
  assert.equal(counter.calls, Math.ceil(40 / 16) + Math.ceil(13 / 16));
  // Without the cache the same 4 epochs run the prefix on every batch and every validation pass.
  const streamed = tinyNet(1);
  const streamCounter = countPredictions(streamed.prefix);
  await fit({ model: streamed.suffix, prefix: streamed.prefix, groups: oneGroup(makeOptimizer('sgd', 0.05)), train, validation, batchSize: 8, firstEpoch: 1, lastEpoch: 4, rng: new Rng(1) });
  assert.equal(streamCounter.examples, 4 * (40 + 13));
});

test('no tensors leak: numTensors is the same after every epoch', async () => {
  const counts: number[] = [];
  const probe: Callback = { onEpochEnd: () => void counts.push(tf.memory().numTensors) };
  await trainTiny({ seed: 5, cached: true, epochs: 5, callbacks: [new EarlyStopping(10), new ReduceOnPlateau(1, 0.5), probe] });
  assert.equal(counts.length, 5);
  assert.deepEqual(counts, new Array(5).fill(counts[0]));
});

test('cancel stops at a batch boundary and emits batch and epoch events with their fields', async () => {
  const controller = new AbortController();
  const events: TrainEvent[] = [];
  let batches = 0;
  const stopper: Callback = {
    onBatchEnd: (logs) => {
      batches++;
      if (logs.epoch === 2 && logs.batch === 3) controller.abort();
    },
  };
  // interval 0: every batch is sent, so the test sees exactly where the loop stopped.
  const progress = new ProgressEvents((e) => events.push(e), 3, 0);
  const result = await trainTiny({ seed: 2, cached: true, callbacks: [progress, stopper], signal: controller.signal });
  assert.equal(result.stopReason, 'cancelled');
  assert.equal(batches, 6 + 3, 'one full epoch of 6 batches, then 3 batches of the second');
  assert.equal(result.history.length, 1);
  const batch = events.find((e) => e.type === 'batch');
  const epoch = events.find((e) => e.type === 'epoch');
  assert.ok(batch && batch.type === 'batch');
  for (const key of ['epoch', 'batch', 'batchesPerEpoch', 'loss', 'accuracy', 'lr', 'imagesPerSec'] as const) assert.equal(typeof batch[key], 'number', key);
  assert.ok(epoch && epoch.type === 'epoch');
  for (const key of ['epoch', 'epochs', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr', 'elapsedMs', 'etaMs'] as const) assert.equal(typeof epoch[key], 'number', key);
  assert.equal(epoch.epochs, 3);
  assert.ok(epoch.etaMs > 0);
});

test('batch events are throttled; the first batch of each epoch and every epoch event get through', () => {
  const events: TrainEvent[] = [];
  let now = 0;
  const progress = new ProgressEvents((e) => events.push(e), 2, 125, () => now);
  progress.onTrainBegin();
  for (let epoch = 1; epoch <= 2; epoch++) {
    for (let batch = 1; batch <= 100; batch++) {
      now += 10; // 100 batches per second
      progress.onBatchEnd({ epoch, batch, batchesPerEpoch: 100, size: 4, loss: 1, accuracy: 0.5, lr: 0.01, lrs: [0.01] });
    }
    progress.onEpochEnd({ epoch, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, lr: 0.01 });
  }
  const batchEvents = events.filter((e) => e.type === 'batch');
  // 2 s of batches at ≤ 8/s, plus the first batch of each epoch.
  assert.ok(batchEvents.length <= 2 * 8 + 2, `${batchEvents.length} batch events`);
  assert.ok(batchEvents.length >= 2 * 7);
  assert.equal(events.filter((e) => e.type === 'epoch').length, 2);
  const ips = batchEvents.map((e) => (e.type === 'batch' ? e.imagesPerSec : 0));
  assert.ok(ips.slice(2).every((v) => Math.abs(v - 400) < 1e-6), 'images/s: 4 images per 10 ms');
});

test('early stopping stops after patience and restores the best weights', async () => {
  const epochs: number[] = [];
  // A valLoss that rises after epoch 2 forces the stop regardless of what the net learns.
  const fake: Callback = {
    onEpochEnd: (logs) => {
      epochs.push(logs.epoch);
      logs.valLoss = logs.epoch <= 2 ? 1 / logs.epoch : 10 * logs.epoch;
    },
  };
  const early = new EarlyStopping(2);
  let bestWeights: Float32Array | undefined;
  const capture: Callback = {
    onEpochEnd: (logs, control) => {
      if (logs.epoch === 2) bestWeights = control.model.getLayer('ft_head_dense').getWeights()[0].dataSync() as Float32Array;
    },
  };
  const result = await trainTiny({ seed: 4, cached: true, epochs: 10, callbacks: [fake, capture, early] });
  assert.equal(result.stopReason, 'earlyStopping');
  assert.deepEqual(epochs, [1, 2, 3, 4]);
  assert.equal(early.bestEpoch, 2);
  assert.deepEqual(result.net.suffix.getLayer('ft_head_dense').getWeights()[0].dataSync(), bestWeights);
});

test('reduce-on-plateau lowers the learning rate after patience epochs without improvement', async () => {
  const lrs: number[] = [];
  const flat: Callback = { onEpochEnd: (logs) => void (logs.valLoss = 1) };
  const probe: Callback = { onEpochEnd: (_logs, control) => void lrs.push(control.getLearningRate()) };
  await trainTiny({ seed: 4, cached: true, epochs: 5, callbacks: [flat, new ReduceOnPlateau(2, 0.5), probe] });
  assert.deepEqual(lrs, [0.01, 0.01, 0.005, 0.005, 0.0025]);
});

test('a NaN loss stops training with the epoch and batch, before any callback sees it', async () => {
  const net = tinyNet(1);
  const train = tinyData(24, 1);
  const validation = tinyData(6, 2);
  const epochsSeen: number[] = [];
  let poison = false;
  await assert.rejects(
    fit({
      model: net.suffix,
      prefix: net.prefix,
      groups: oneGroup(makeOptimizer('sgd', 0.01)),
      train,
      validation,
      batchSize: 8,
      firstEpoch: 1,
      lastEpoch: 3,
      rng: new Rng(1),
      // From the second batch of epoch 2 on, the pixels are NaN.
      transform: (x) => (poison ? x.mul(NaN) : x.clone()),
      callbacks: [{ onEpochEnd: (l) => void epochsSeen.push(l.epoch) }, { onBatchEnd: (l) => void (poison = l.epoch === 2) }],
    }),
    (err: Error) => err instanceof NonFiniteLossError && err.epoch === 2 && err.batch === 2 && /epoch 2, batch 2/.test(err.message),
  );
  assert.deepEqual(epochsSeen, [1]);
});
