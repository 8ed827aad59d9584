// Training on webgpu is as correct as on the other backends. Run on this
// machine's adapter, forced by name (llvmpipe, a software one, on CI: slow, so
// the models are small except where MobileNetV2 itself is the point).
// Tolerances, stated once:
// - gradients: max |webgpu − cpu| ≤ 1e-4 × the largest |cpu gradient| of that tensor
//   (float32 sums in another order; a wrong kernel is off by far more);
// - cached vs uncached features: final weights within 1e-5, the same losses within 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { fit, oneGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { buildFeatureCache } from '../../src/engine/train/featureCache';
import { trainingBackend } from '../../src/engine/train/backendPlan';
import { untrainableLayers } from '../../src/engine/backend/kernels';
import { MemorySource, type TensorSource } from '../../src/engine/train/source';
import { Rng } from '../../src/engine/util/rng';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { applyFreeze, attachHead, findDefaultCut, resolveTrainable } from '../../src/engine/model/transfer';
import { splitAtFreezeBoundary } from '../../src/engine/model/split';
import { leafLayers } from '../../src/engine/model/graph';
import { fixtureDir } from '../helpers/nsfwjsFixtures';
import { tinyData, tinyNet } from './train-fixtures';
import { webgpuOrSkip } from './webgpu-fixtures';

const GRADIENT_TOLERANCE = 1e-4;
const CACHE_TOLERANCE = 1e-5;

/** Every gradient of sum(layer(x) · r) with respect to the layer's weights and its input, on the active backend. */
async function gradients(layer: tf.layers.Layer, x: tf.Variable, r: tf.Tensor, training: boolean): Promise<Float32Array[]> {
  const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training }) as tf.Tensor, r)) as tf.Scalar, vars);
  const out = await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

test('gradients of Conv2D, DepthwiseConv2D, SeparableConv2D, BatchNormalization and Dense match the cpu backend', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const cases: { name: string; make: () => tf.layers.Layer; shape: number[]; training?: boolean }[] = [
    { name: 'Conv2D', make: () => tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' }), shape: [2, 9, 9, 3] },
    { name: 'DepthwiseConv2D', make: () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid' }), shape: [2, 7, 7, 3] },
    { name: 'SeparableConv2D', make: () => tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same' }), shape: [2, 6, 6, 3] },
    { name: 'BatchNormalization', make: () => tf.layers.batchNormalization({ gammaInitializer: 'glorotUniform' }), shape: [4, 5, 5, 3], training: true },
    { name: 'Dense', make: () => tf.layers.dense({ units: 6, activation: 'softmax' }), shape: [3, 10] },
  ];
  for (const c of cases) {
    await tf.setBackend('cpu');
    const layer = c.make();
    const x = tf.variable(tf.randomNormal(c.shape, 0, 1, 'float32', 3));
    layer.build(c.shape);
    const outShape = layer.computeOutputShape(c.shape) as number[];
    const r = tf.randomNormal(outShape, 0, 1, 'float32', 4);
    const onCpu = await gradients(layer, x, r, c.training ?? false);
    // The same variables, moved to webgpu on first use there.
    await tf.setBackend('webgpu');
    const onGpu = await gradients(layer, x, r, c.training ?? false);
    assert.equal(onGpu.length, layer.trainableWeights.length + 1);
    let worst = 0;
    onCpu.forEach((expected, i) => {
      const diff = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - onGpu[i][j])), 0);
      worst = Math.max(worst, diff / maxAbs(expected));
      const what = i === 0 ? 'input' : layer.trainableWeights[i - 1].name;
      assert.ok(maxAbs(expected) > 0, `${c.name} ${what}: a zero gradient tests nothing`);
      assert.ok(diff <= GRADIENT_TOLERANCE * maxAbs(expected), `${c.name} ${what}: max difference ${diff}, largest gradient ${maxAbs(expected)}`);
    });
    t.diagnostic(`${c.name}: largest difference ${worst.toExponential(2)} of the largest gradient`);
    tf.dispose([x, r]);
    layer.weights.forEach((w) => w.dispose());
  }
});

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map((w) => w.read().data() as Promise<Float32Array>));
}

test('cached and uncached features train to the same weights, and the tensor count stays flat from epoch to epoch', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const run = async (cached: boolean) => {
    const net = tinyNet(7, 0);
    const train = tinyData(48, 1);
    const validation = tinyData(18, 2);
    let sources: { train: TensorSource; validation: TensorSource } = { train: train.x, validation: validation.x };
    if (cached) {
      const [tr, va] = await buildFeatureCache(net.prefix, [{ name: 'train', pixels: train.x }, { name: 'validation', pixels: validation.x }], { batchSize: 16, dir: '/nonexistent' });
      sources = { train: tr, validation: va };
    }
    const tensors: number[] = [];
    const result = await fit({
      model: net.suffix,
      prefix: cached ? undefined : net.prefix,
      groups: oneGroup(makeOptimizer('adam', 0.01)),
      train: { x: sources.train, y: train.y },
      validation: { x: sources.validation, y: validation.y },
      batchSize: 8,
      firstEpoch: 1,
      lastEpoch: 4,
      rng: new Rng(11),
      callbacks: [{ onEpochEnd: () => void tensors.push(tf.memory().numTensors) }],
    });
    return { result, weights: await weightsOf(net.suffix), tensors };
  };
  const uncached = await run(false);
  const cached = await run(true);
  assert.equal(tf.getBackend(), 'webgpu');
  cached.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - uncached.weights[i][j]) <= CACHE_TOLERANCE, `weight ${i}[${j}]: ${v} vs ${uncached.weights[i][j]}`)));
  cached.result.history.forEach((h, i) => assert.ok(Math.abs(h.valLoss - uncached.result.history[i].valLoss) <= CACHE_TOLERANCE));
  assert.ok(uncached.result.history[3].loss < uncached.result.history[0].loss, 'it learns');
  for (const { tensors } of [cached, uncached]) assert.deepEqual(tensors, Array(4).fill(tensors[0]), `tensors after each epoch: ${tensors.join(', ')}`);
});

/** MobileNetV2 (nsfwjs, 224×224) with a new head, frozen below `plan`. */
async function mobilenet(plan: 'top:4' | 'all') {
  const base = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 3, dropout: 0.2, seed: 42 });
  const trainable = resolveTrainable(model, plan);
  applyFreeze(model, trainable, 'inference');
  return { model, trainable, split: splitAtFreezeBoundary(model, trainable) };
}

/** `images` random 224×224 images, for one epoch of batches of two. */
function images(n: number): { x: MemorySource; y: Int32Array } {
  const rng = new Rng(9);
  const pixels = Float32Array.from({ length: n * 224 * 224 * 3 }, () => rng.next() * 2 - 1);
  return { x: new MemorySource([pixels], [[224, 224, 3]], n), y: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

async function fitOneEpoch(model: tf.LayersModel, prefix: tf.LayersModel | undefined, data: { x: MemorySource; y: Int32Array }) {
  return fit({ model, prefix, groups: oneGroup(makeOptimizer('adam', 0.001)), train: data, validation: data, batchSize: 2, firstEpoch: 1, lastEpoch: 1, rng: new Rng(3) });
}

// About 30 s on llvmpipe (2 cores): two batches of two images through the frozen prefix and the top 4 layers.
test('MobileNetV2 top:4 on webgpu: every frozen weight and every moving statistic stays bit-identical', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const { model, trainable, split } = await mobilenet('top:4');
  assert.ok(split, 'top:4 splits MobileNetV2');
  const named = () => leafLayers(model).flatMap(({ layer }) => layer.weights.map((w) => ({ layer: layer.name, name: w.originalName, trainable: trainable.has(layer.name) && w.trainable, tensor: w.read() })));
  const before = await Promise.all(named().map(async (w) => ({ ...w, bytes: Buffer.from((await w.tensor.data()).buffer.slice(0)) })));
  await fitOneEpoch(split.suffix, split.prefix, images(4));
  const after = await Promise.all(named().map(async (w) => Buffer.from((await w.tensor.data()).buffer.slice(0))));
  let frozen = 0;
  let moved = 0;
  before.forEach((b, i) => {
    if (!b.trainable) {
      assert.ok(after[i].equals(b.bytes), `${b.name} changed`);
      frozen++;
    } else if (!after[i].equals(b.bytes)) moved++;
  });
  assert.ok(frozen > 240, `checked ${frozen} frozen weights`);
  assert.ok(before.some((b) => b.name === 'Conv_1_bn/moving_mean' && trainable.has(b.layer)), 'a trainable BN layer is in top:4, so its moving statistics are checked');
  assert.equal(moved, split.suffix.trainableWeights.length, 'every trainable weight moved');
  model.dispose();
});

// About 25 s on llvmpipe: one batch of two images through all 150+ layers, backward included.
test('a full fine-tune of MobileNetV2 trains on webgpu itself: no layer lacks a kernel', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const { model, split } = await mobilenet('all');
  assert.equal(split, null, 'nothing is frozen');
  const classes = leafLayers(model).map(({ layer }) => layer.getClassName());
  assert.ok(classes.includes('DepthwiseConv2D') && classes.includes('BatchNormalization') && classes.includes('Conv2D'));
  assert.deepEqual(untrainableLayers('webgpu', classes), []);
  assert.deepEqual(trainingBackend('webgpu', model), { name: 'webgpu' });
  const before = await weightsOf(model);
  const result = await fitOneEpoch(model, undefined, images(2));
  assert.ok(Number.isFinite(result.history[0].loss));
  const after = await weightsOf(model);
  assert.ok(after.some((w, i) => w.some((v, j) => v !== before[i][j])), 'the weights moved');
  model.dispose();
});
