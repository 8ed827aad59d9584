// BatchNormalization without gamma/beta (Keras scale=False, as in InceptionV3):
// tfjs cannot train through it; after applyFreeze it trains, and computes what
// tfjs's own BN computes, in both modes. A pinned BN on wasm runs as x·a + b.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { applyFreeze, isBatchNormPinned } from '../../src/engine/model/transfer';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';

/** conv → BN(scale, center as given) → GAP → dense; the same seeds every time. */
function model(affine: boolean): tf.LayersModel {
  const input = tf.input({ shape: [5, 5, 2] });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const bn = tf.layers.batchNormalization({ scale: affine, center: affine, name: 'bn', momentum: 0.9 }).apply(conv);
  const pool = tf.layers.globalAveragePooling2d({}).apply(bn);
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pool);
  const m = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  // Non-trivial moving statistics, so that inference mode is visibly different from identity.
  const bnLayer = m.getLayer('bn');
  const stats = [tf.tensor1d([0.1, -0.2, 0.3]), tf.tensor1d([0.5, 2, 1.5])];
  bnLayer.setWeights(affine ? [tf.ones([3]), tf.zeros([3]), ...stats] : stats);
  return m;
}

const x = () => tf.randomNormal([4, 5, 5, 2], 0, 1, 'float32', 3);
const y = () => tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

test('tfjs alone cannot fit through a scale=False BatchNormalization (why batchNorm.ts exists)', async () => {
  const m = model(false);
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  await assert.rejects(m.fit(x(), y(), { epochs: 1, verbose: 0 }));
});

test('pinned scale=False BN predicts what tfjs predicts, and fits with its statistics untouched', async () => {
  const m = model(false);
  const expected = m.predict(x()) as tf.Tensor;
  applyFreeze(m, new Set(['conv', 'out']), 'inference');
  assert.ok(isBatchNormPinned(m.getLayer('bn')));
  assert.ok(maxDiff(m.predict(x()) as tf.Tensor, expected) < 1e-6);
  const stats = m.getLayer('bn').getWeights().map((w) => w.dataSync().slice());
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  await m.fit(x(), y(), { epochs: 2, batchSize: 2, verbose: 0 });
  assert.deepEqual(m.getLayer('bn').getWeights().map((w) => w.dataSync()), stats);
});

test("batch mode on scale=False BN matches tfjs's BN with gamma=1, beta=0: outputs and moving statistics", async () => {
  const plain = model(false);
  const affine = model(true);
  applyFreeze(plain, new Set(['bn', 'out']), 'batch');
  assert.ok(!isBatchNormPinned(plain.getLayer('bn')));
  // BN and the dense layer train in both, at lr 0: only the moving statistics can change.
  affine.getLayer('conv').trainable = false;
  for (const m of [plain, affine]) m.compile({ optimizer: tf.train.sgd(0), loss: 'categoricalCrossentropy' });
  await plain.fit(x(), y(), { epochs: 1, batchSize: 4, verbose: 0 });
  await affine.fit(x(), y(), { epochs: 1, batchSize: 4, verbose: 0 });
  const [pm, pv] = plain.getLayer('bn').getWeights();
  const [, , am, av] = affine.getLayer('bn').getWeights();
  assert.ok(maxDiff(pm, am) < 1e-6 && maxDiff(pv, av) < 1e-6, 'same moving-average update');
  assert.ok(maxDiff(pm, tf.tensor1d([0.1, -0.2, 0.3])) > 1e-4, 'the statistics did move');
  const training = (m: tf.LayersModel) => m.apply(x(), { training: true }) as tf.Tensor;
  assert.ok(maxDiff(training(plain), training(affine)) < 1e-5, 'same batch normalisation');
});

test('a pinned BN with gamma and beta runs as x·a + b on wasm: the outputs and gradients of tfjs\' fused BN on cpu', async () => {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) =>
    withBackend(backend, () => {
      const m = model(true);
      m.getLayer('bn').setWeights([tf.tensor1d([1.5, 0.5, -2]), tf.tensor1d([0.2, 0, -0.1]), tf.tensor1d([0.1, -0.2, 0.3]), tf.tensor1d([0.5, 2, 1.5])]);
      applyFreeze(m, new Set(['conv', 'bn', 'out']), 'inference');
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y(), m.apply(x(), { training: true }) as tf.Tensor), vars);
      return [value, ...vars.map((v) => grads[v.name])].map((t) => Array.from(t.dataSync()));
    });
  const [onWasm, onCpu] = [await run('wasm'), await run('cpu')];
  assert.equal(onWasm.length, 7, 'loss and the gradients of conv (2), bn (2) and out (2)');
  onCpu.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - onWasm[i][j]) <= 1e-5 * Math.max(1, Math.abs(v)), `tensor ${i}[${j}]: ${onWasm[i][j]} vs ${v}`)));
});

test('a pinned BN over channels in fours takes the fused affine kernels on wasm: tfjs\' outputs and gradients on cpu', async () => {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) =>
    withBackend(backend, async () => {
      const input = tf.input({ shape: [3, 5, 8] });
      const bnOut = tf.layers.batchNormalization({ name: 'bn' }).apply(input) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(tf.layers.flatten().apply(bnOut)) as tf.SymbolicTensor;
      const m = tf.model({ inputs: input, outputs: out });
      m.getLayer('bn').setWeights([tf.linspace(0.5, 2, 8), tf.linspace(-1, 1, 8), tf.linspace(-0.3, 0.4, 8), tf.linspace(0.2, 3, 8)]);
      applyFreeze(m, new Set(['bn', 'out']), 'inference');
      const xs = tf.randomNormal([4, 3, 5, 8], 0, 2, 'float32', 5);
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      let values: number[][] = [];
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
        values = [value, tf.grad((xi: tf.Tensor) => tf.sum(m.apply(xi) as tf.Tensor))(xs), ...vars.map((v) => grads[v.name])].map((t) => Array.from(t.dataSync()));
      });
      return { values, kernels: profile.kernelNames };
    });
  const [onWasm, onCpu] = [await run('wasm'), await run('cpu')];
  assert.ok(onWasm.kernels.includes('FinetuneAffine') && onWasm.kernels.includes('FinetuneAffineGrad'), onWasm.kernels.join(' '));
  assert.equal(onCpu.values.length, 6, 'loss, the input gradient, and the gradients of gamma, beta and the dense kernel and bias');
  onCpu.values.forEach((values, i) => {
    const scale = Math.max(1, ...values.map(Math.abs));
    values.forEach((v, j) => assert.ok(Math.abs(v - onWasm.values[i][j]) <= 1e-5 * scale, `tensor ${i}[${j}]: ${onWasm.values[i][j]} vs ${v}`));
  });
});
