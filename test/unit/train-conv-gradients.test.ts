import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../src/engine/tf';
import { conv2dFilterGradient, installConvGradients } from '../../src/engine/train/convGradients';
import { depthwiseFilterGradient, depthwiseInputGradient } from '../../src/engine/train/depthwiseGradients';

before(async () => {
  await tf.setBackend('cpu');
});

const cases: { x: [number, number, number, number]; k: [number, number, number, number]; stride: number; pad: 'same' | 'valid' | number }[] = [
  { x: [2, 7, 7, 3], k: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [1, 8, 9, 2], k: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { x: [1, 8, 8, 2], k: [2, 2, 2, 3], stride: 2, pad: 'same' },
  { x: [3, 5, 5, 6], k: [1, 1, 6, 4], stride: 1, pad: 'valid' },
  { x: [1, 6, 6, 2], k: [3, 3, 2, 2], stride: 1, pad: 1 },
];

test('the im2col kernel gradient equals tfjs Conv2DBackpropFilter', () => {
  for (const [i, c] of cases.entries()) {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', i + 1) as tf.Tensor4D;
    const filter = tf.randomNormal(c.k, 0, 1, 'float32', i + 100) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, c.stride, c.pad);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 200) as tf.Tensor4D;
    const expected = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.k } as never) as tf.Tensor;
    const actual = conv2dFilterGradient(x, dy, c.k, c.stride, c.pad);
    const diff = tf.max(tf.abs(tf.sub(expected, actual))).dataSync()[0];
    assert.ok(diff < 1e-4, `case ${i} (${JSON.stringify(c)}): max diff ${diff}`);
  }
});

test('with the overrides, a conv + depthwise net differentiates on wasm as on cpu', async () => {
  installConvGradients();
  const grads = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 5);
    const k1 = tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.5, 'float32', 6));
    const k2 = tf.variable(tf.randomNormal([3, 3, 4, 2], 0, 0.5, 'float32', 7));
    const d = tf.variable(tf.randomNormal([3, 3, 4, 1], 0, 0.5, 'float32', 8));
    const net = () => {
      const h = tf.relu(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'same'));
      const dw = tf.relu6(tf.depthwiseConv2d(h, d as tf.Tensor4D, 1, 'same'));
      return tf.sum(tf.square(tf.conv2d(dw, k2 as tf.Tensor4D, 1, 'valid'))) as tf.Scalar;
    };
    const { grads: g } = tf.variableGrads(net, [k1, k2, d]);
    const out = [g[k1.name].dataSync().slice(), g[k2.name].dataSync().slice(), g[d.name].dataSync().slice()];
    tf.dispose([x, k1, k2, d, g[k1.name], g[k2.name], g[d.name]]);
    return out;
  };
  const wasm = await grads('wasm');
  const cpu = await grads('cpu');
  wasm.forEach((arr, i) => arr.forEach((v, j) => assert.ok(Math.abs(v - cpu[i][j]) < 1e-3 * Math.max(1, Math.abs(v)), `grad ${i}[${j}]: ${v} vs ${cpu[i][j]}`)));
});

test('the depthwise gradients equal tfjs DepthwiseConv2dNativeBackprop{Filter,Input}', () => {
  const dwCases: { x: [number, number, number, number]; k: [number, number, number, number]; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 7, 7, 3], k: [3, 3, 3, 1], stride: 1, pad: 'same' },
    { x: [1, 8, 8, 4], k: [3, 3, 4, 1], stride: 2, pad: 'same' },
    { x: [1, 9, 7, 2], k: [3, 3, 2, 2], stride: 2, pad: 'valid' },
    { x: [2, 6, 6, 2], k: [5, 5, 2, 1], stride: 1, pad: 'valid' },
  ];
  for (const [i, c] of dwCases.entries()) {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', i + 1) as tf.Tensor4D;
    const filter = tf.randomNormal(c.k, 0, 1, 'float32', i + 100) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, filter, c.stride, c.pad);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 200) as tf.Tensor4D;
    const attrs = { strides: c.stride, pad: c.pad, dilations: 1 };
    const expectedFilter = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: c.k } as never) as tf.Tensor;
    const expectedInput = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: c.x } as never) as tf.Tensor;
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    assert.ok(maxDiff(expectedFilter, depthwiseFilterGradient(x, dy, c.k, c.stride, c.pad)) < 1e-4, `filter, case ${i}`);
    assert.ok(maxDiff(expectedInput, depthwiseInputGradient(c.x, dy, filter, c.stride, c.pad)) < 1e-4, `input, case ${i}`);
  }
});
