// The wasm backend under Node: it loads its .wasm files from node_modules and
// computes; the convolution gradients it lacks are supplied and agree with
// the cpu backend's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { backendHasTrainingKernels, missingTrainingKernels, untrainableLayers, withBackend } from '../../src/engine/backend/kernels';
import { trainingBackend } from '../../src/engine/train/backendPlan';

test('wasm is selected on request, runs a convolution, and reports its package', async () => {
  const report = await selectBackend({ requested: 'wasm' });
  assert.deepEqual(report, { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, skipped: [] });
  assert.equal(tf.getBackend(), 'wasm');
  const y = tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'valid');
  assert.deepEqual(Array.from(y.dataSync()), new Array(9).fill(18));
});

test('after selection wasm has every training kernel; cpu always had them', () => {
  assert.deepEqual(missingTrainingKernels('cpu'), []);
  assert.ok(backendHasTrainingKernels('wasm'));
});

/** Gradients of a depthwise → conv stack w.r.t. both filters and the input, on `backend`. */
async function gradients(backend: string, stride: number, pad: 'same' | 'valid', k: number): Promise<number[][]> {
  return withBackend(backend, () =>
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 7, 3], 0, 1, 'float32', 1);
      const dw = tf.randomNormal([3, 3, 3, 2], 0, 1, 'float32', 2);
      const w = tf.randomNormal([k, k, 6, 4], 0, 1, 'float32', 3);
      const f = (xi: tf.Tensor, dwi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(tf.depthwiseConv2d(xi as tf.Tensor4D, dwi as tf.Tensor4D, stride, pad), wi as tf.Tensor4D, stride, pad)));
      return tf.grads(f)([x, dw, w]).map((g) => Array.from(g.dataSync()));
    }),
  );
}

for (const [stride, pad, k] of [[1, 'same', 3], [2, 'same', 3], [2, 'valid', 3], [1, 'valid', 1], [2, 'same', 1]] as const) {
  test(`wasm gradients equal cpu gradients (stride ${stride}, ${pad}, ${k}×${k})`, async () => {
    await selectBackend({ requested: 'wasm' });
    const onCpu = await gradients('cpu', stride, pad, k);
    const onWasm = await gradients('wasm', stride, pad, k);
    onCpu.forEach((g, i) => {
      const scale = Math.max(...g.map(Math.abs));
      const err = Math.max(...g.map((v, j) => Math.abs(v - onWasm[i][j])));
      assert.ok(err <= 1e-5 * scale, `gradient ${i}: error ${err} at scale ${scale}`);
    });
  });
}

/** Runs `kernelName` on `backend` with tensors made there from `inputs` (plain arrays) and returns its values. */
async function runOn(backend: string, kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): Promise<Float32Array> {
  const plain = await Promise.all(Object.entries(inputs).map(async ([k, t]) => [k, await t.data(), t.shape] as const));
  return withBackend(backend, () =>
    tf.tidy(() => {
      const onBackend = Object.fromEntries(plain.map(([k, v, shape]) => [k, tf.tensor(v, shape)]));
      return (tf.engine().runKernel(kernelName, onBackend, attrs as never) as tf.Tensor).dataSync() as Float32Array;
    }),
  );
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  const err = Math.max(...Array.from(expected, (v, i) => Math.abs(v - actual[i])));
  assert.ok(err <= 1e-5 * scale, `${what}: error ${err} at scale ${scale}`);
}

type Pad = 'same' | 'valid' | number;
type Shape4 = [number, number, number, number];

const conv2dCases: { x: Shape4; k: Shape4; stride: number; pad: Pad }[] = [
  { x: [2, 7, 7, 3], k: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [1, 8, 9, 2], k: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { x: [1, 8, 8, 2], k: [2, 2, 2, 3], stride: 2, pad: 'same' },
  // 1×1 stride 1 multiplies the input itself, transposing the narrower operand: more inputs than outputs, then fewer.
  { x: [3, 5, 5, 6], k: [1, 1, 6, 4], stride: 1, pad: 'valid' },
  { x: [2, 4, 5, 3], k: [1, 1, 3, 8], stride: 1, pad: 'same' },
  { x: [2, 5, 5, 4], k: [1, 1, 4, 3], stride: 2, pad: 'same' },
  { x: [1, 6, 6, 2], k: [3, 3, 2, 2], stride: 1, pad: 1 },
];

test('the wasm Conv2DBackpropFilter kernel equals the cpu one', async () => {
  await selectBackend({ requested: 'wasm' });
  for (const [i, c] of conv2dCases.entries()) {
    const [x, dy] = await withBackend('cpu', () => {
      const xi = tf.randomNormal(c.x, 0, 1, 'float32', i + 1) as tf.Tensor4D;
      const y = tf.conv2d(xi, tf.zeros(c.k) as tf.Tensor4D, c.stride, c.pad);
      return [xi, tf.randomNormal(y.shape, 0, 1, 'float32', i + 200)];
    });
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.k };
    assertClose(await runOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs), await runOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs), `case ${i} ${JSON.stringify(c)}`);
  }
});

const depthwiseCases: { x: Shape4; k: Shape4; stride: number; pad: Pad; dilation?: number }[] = [
  { x: [2, 7, 7, 3], k: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { x: [1, 8, 8, 4], k: [3, 3, 4, 1], stride: 2, pad: 'same' },
  { x: [1, 9, 7, 2], k: [3, 3, 2, 2], stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 2], k: [5, 5, 2, 1], stride: 1, pad: 'valid' },
  { x: [1, 7, 8, 3], k: [3, 3, 3, 2], stride: 2, pad: 1 },
  // Dilation 2: outside the op math, so the cpu bridge answers.
  { x: [1, 9, 9, 2], k: [3, 3, 2, 1], stride: 1, pad: 'same', dilation: 2 },
];

test('the wasm DepthwiseConv2dNativeBackprop{Filter,Input} kernels equal the cpu ones', async () => {
  await selectBackend({ requested: 'wasm' });
  for (const [i, c] of depthwiseCases.entries()) {
    const dilations = c.dilation ?? 1;
    const [x, filter, dy] = await withBackend('cpu', () => {
      const xi = tf.randomNormal(c.x, 0, 1, 'float32', i + 1) as tf.Tensor4D;
      const fi = tf.randomNormal(c.k, 0, 1, 'float32', i + 100) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(xi, fi, c.stride, c.pad, 'NHWC', dilations);
      return [xi, fi, tf.randomNormal(y.shape, 0, 1, 'float32', i + 200)];
    });
    const attrs = { strides: c.stride, pad: c.pad, dilations };
    const kf = 'DepthwiseConv2dNativeBackpropFilter';
    const ki = 'DepthwiseConv2dNativeBackpropInput';
    assertClose(await runOn('wasm', kf, { x, dy }, { ...attrs, filterShape: c.k }), await runOn('cpu', kf, { x, dy }, { ...attrs, filterShape: c.k }), `filter, case ${i}`);
    assertClose(await runOn('wasm', ki, { dy, filter }, { ...attrs, inputShape: c.x }), await runOn('cpu', ki, { dy, filter }, { ...attrs, inputShape: c.x }), `input, case ${i}`);
  }
});

test('the plan keeps a conv, depthwise and transposed-conv model on wasm; no gradient is overridden globally', async () => {
  await selectBackend({ requested: 'wasm' });
  const input = tf.input({ shape: [8, 8, 3] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: h });
  assert.deepEqual(trainingBackend('wasm', model), { name: 'wasm' });
  assert.deepEqual(untrainableLayers('no-such-backend', ['Conv2D', 'Dense']), ['Conv2D']);
  // tfjs' own gradient definitions are the registered ones (this project adds kernels, not gradients).
  assert.equal(tf.getGradient('Conv2D')?.inputsToSave?.join(), 'x,filter');
  model.dispose();
});

test('withBackend switches back afterwards', async () => {
  await selectBackend({ requested: 'wasm' });
  const seen = await withBackend('cpu', () => tf.getBackend());
  assert.equal(seen, 'cpu');
  assert.equal(tf.getBackend(), 'wasm');
});
