// Micro-batches (train/microBatch.ts): a batch computed in passes gives the
// one-pass gradient, loss and accuracy (to float rounding), with
// BatchNormalization pinned as every run pins it; the split follows the
// measured memory of a pass; on wasm, MobileNetV2 with every layer trainable
// is split at batch 32 and the plan's estimate covers the measured peak.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { applyFreeze, attachHead, findDefaultCut, resolveTrainable } from '../../src/engine/model/transfer';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { batchGradients, describePlan, measureStepMemory, planMicroBatches, splitBatch } from '../../src/engine/train/microBatch';
import { HeapExhaustedError } from '../../src/engine/train/errors';
import { crossEntropy } from '../../src/engine/train/loss';
import { fit, oneGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { Rng } from '../../src/engine/util/rng';
import { fixtureDir } from '../helpers/nsfwjsFixtures';
import { tinyData, tinyNet } from './train-fixtures';

/** Float32 sums in another order differ in the last bits; this is far below any training signal. */
const TOLERANCE = 1e-5;

before(async () => {
  await selectBackend({ requested: 'wasm' });
});

/** conv → BatchNormalization (pinned to inference, as runs pin it) → conv → pool → dense softmax. */
function netWithBatchNorm(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [10, 10, 3] });
  let x = tf.layers.conv2d({ name: 'c1', filters: 6, kernelSize: 3, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: tf.initializers.constant({ value: 0.3 }), movingVarianceInitializer: tf.initializers.constant({ value: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, activation: 'relu', depthwiseInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'ft_head_dense', units: 4, activation: 'softmax', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  applyFreeze(model, new Set(['c1', 'bn', 'dw', 'ft_head_dense']), 'inference');
  return model;
}

function maxRelativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1e-3))).dataSync()[0]);
}

test('7 passes of ≤ 3 give the one-pass gradients, loss and accuracy of a batch of 19 (class weights, pinned BatchNormalization)', () => {
  const model = netWithBatchNorm();
  const x = tf.randomNormal([19, 10, 10, 3], 0, 1, 'float32', 5);
  const labels = tf.tensor1d(Array.from({ length: 19 }, (_, i) => (i * 7) % 4), 'int32');
  const weights = tf.tensor1d([1, 2, 0.5, 1.5]);
  const whole = batchGradients(model, [x], labels, weights, 19);
  const split = batchGradients(model, [x], labels, weights, 3);
  assert.ok(Math.abs(whole.loss.dataSync()[0] - split.loss.dataSync()[0]) < TOLERANCE);
  assert.ok(Math.abs(whole.accuracy.dataSync()[0] - split.accuracy.dataSync()[0]) < TOLERANCE);
  const names = Object.keys(whole.grads);
  assert.equal(names.length, model.trainableWeights.length);
  for (const name of names) {
    const diff = maxRelativeDifference(split.grads[name], whole.grads[name]);
    assert.ok(diff < TOLERANCE, `${name}: max relative difference ${diff}`);
  }
  // The check can fail: a gradient of the mean over a part of the batch is not the batch's.
  const firstPassOnly = batchGradients(model, [x.slice(0, 3)], labels.slice(0, 3), weights, 3);
  assert.ok(maxRelativeDifference(firstPassOnly.grads[names[0]], whole.grads[names[0]]) > 1e-2);
  // BatchNormalization's moving statistics are untouched by either.
  const bn = model.getLayer('bn').getWeights();
  assert.deepEqual(Array.from(bn[2].dataSync()), new Array(6).fill(0.3).map(Math.fround));
  tf.dispose([x, labels, weights, ...[whole, split, firstPassOnly].flatMap((g) => [g.loss, g.accuracy, ...Object.values(g.grads)])]);
  model.dispose();
});

test('fit with micro-batches trains to the weights of fit without them, and leaks no tensor', async () => {
  const run = async (microBatchSize?: number) => {
    const net = tinyNet(3, 0);
    const train = tinyData(24, 1);
    const validation = tinyData(9, 2);
    const optimizer = makeOptimizer('adam', 0.01);
    const before = tf.memory().numTensors;
    const result = await fit({ model: net.full, groups: oneGroup(optimizer), train, validation, batchSize: 8, microBatchSize, firstEpoch: 1, lastEpoch: 2, rng: new Rng(4) });
    optimizer.dispose();
    const leaked = tf.memory().numTensors - before;
    const weights = net.full.trainableWeights.map((w) => w.read().clone());
    net.full.dispose();
    return { result, weights, leaked };
  };
  const whole = await run();
  const split = await run(3);
  assert.equal(split.leaked, whole.leaked, 'micro-batches leave no more tensors behind than one pass');
  whole.weights.forEach((w, i) => {
    const diff = maxRelativeDifference(split.weights[i], w);
    assert.ok(diff < 1e-4, `weight ${i}: max relative difference ${diff} after 6 adam steps`);
  });
  assert.ok(Math.abs(whole.result.history[1].loss - split.result.history[1].loss) < 1e-5);
  tf.dispose([...whole.weights, ...split.weights]);
});

test('the split: the fewest passes that fit, spread evenly; none fits is a clear error', () => {
  const memory = { perExample: 100, fixed: 50 };
  assert.deepEqual(splitBatch(32, memory, 50 + 32 * 100), { batchSize: 32, batchBytes: 3250, exampleBytes: 100, count: 1, size: 32 });
  assert.deepEqual(splitBatch(32, memory, 50 + 8 * 100 + 99), { batchSize: 32, batchBytes: 3250, exampleBytes: 100, count: 4, size: 8 });
  const uneven = splitBatch(32, memory, 50 + 5 * 100);
  assert.deepEqual([uneven.count, uneven.size], [7, 5]);
  assert.match(describePlan(splitBatch(32, { perExample: 2 ** 30, fixed: 0 }, 8 * 2 ** 30)), /^Training batch 32 as 4 × 8 \(one pass would need about 32\.0 GiB of the wasm heap's 4 GiB; their gradients add up to one update\)$/);
  assert.match(describePlan(uneven), /batch 32 as 7 × ≤5/);
  assert.throws(() => splitBatch(32, memory, 120), (e: unknown) => e instanceof HeapExhaustedError && /one training example needs about 0 MiB/.test(e.message));
});

test('the measured memory of a pass grows with the batch as the one-example probe predicts', async () => {
  const model = netWithBatchNorm();
  const memory = await measureStepMemory(model);
  assert.ok(memory.perExample > 10 * 10 * 6 * 4, `a pass holds at least one activation map: ${memory.perExample} bytes`);
  const x = tf.zeros([16, 10, 10, 3]);
  const labels = tf.zeros([16], 'int32') as tf.Tensor1D;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const start = tf.memory().numBytes;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, labels), vars);
    tf.dispose([value, ...Object.values(grads)]);
  });
  const measured = profile.peakBytes - start;
  const estimated = memory.fixed + 16 * memory.perExample;
  assert.ok(estimated >= measured, `estimate ${estimated} must cover the measured ${measured}`);
  assert.ok(estimated < 2 * measured, `estimate ${estimated} stays within 2× the measured ${measured}`);
  tf.dispose([x, labels]);
  model.dispose();
});

test('MobileNetV2 with every layer trainable is split on wasm at batch 32, and not on cpu', async () => {
  const base = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 3, dropout: 0.2, seed: 42 });
  applyFreeze(model, resolveTrainable(model, 'all'), 'inference');
  const plan = await planMicroBatches(model, 32);
  // Measured here: about 220 MB per 224×224 example at the backward pass's peak (360 MB before the SIMD kernels
  // and the fused BatchNormalization, 520 MB before the depthwise loops): 3 passes of ≤ 11.
  assert.ok(plan.count >= 3 && plan.size <= 11, `plan ${JSON.stringify(plan)}`);
  assert.ok(plan.batchBytes > 4 * 2 ** 30, `one pass of 32 needs ${plan.batchBytes} bytes, more than the whole heap`);
  assert.match(describePlan(plan), /^Training batch 32 as \d+ × ≤?\d+ \(one pass would need about \d+\.\d GiB/);
  await tf.setBackend('cpu');
  try {
    assert.equal((await planMicroBatches(model, 32)).count, 1, 'only wasm has a heap limit');
  } finally {
    await tf.setBackend('wasm');
    model.dispose();
  }
});
