// The depthwise-gradient loops over the wasm heap (backend/wasmDepthwiseKernels.ts)
// against the cpu backend's kernels, directly and through wasm's kernel registry,
// on strides, paddings and channel multipliers. (Dilation 2 goes to the wrapped
// kernel; backend-wasm.test.ts checks that case through the registry.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';
import { depthwiseFilterGrad, depthwiseInputGrad } from '../../src/engine/backend/wasmDepthwiseKernels';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;

const cases: { x: Shape4; k: Shape4; stride: number; pad: Pad }[] = [
  { x: [2, 7, 7, 3], k: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { x: [1, 8, 8, 4], k: [3, 3, 4, 1], stride: 2, pad: 'same' },
  { x: [1, 9, 7, 2], k: [3, 3, 2, 2], stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 2], k: [5, 5, 2, 1], stride: 1, pad: 'valid' },
  { x: [1, 7, 8, 3], k: [3, 3, 3, 2], stride: 2, pad: 1 },
  { x: [3, 14, 14, 16], k: [3, 3, 16, 1], stride: 2, pad: 'same' },
];

/** Max |a − b| / (1 + |b|): float32 sums in another order. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, label);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  assert.ok(worst < 1e-5, `${label}: max relative difference ${worst}`);
}

test('the loops equal the cpu kernels, called directly and as wasm kernels', async () => {
  await selectBackend({ requested: 'wasm' });
  for (const [i, c] of cases.entries()) {
    const label = `case ${i} ${JSON.stringify(c)}`;
    const { x, filter, dy, expectFilter, expectInput } = await withBackend('cpu', () => {
      const xt = tf.randomNormal(c.x, 0, 1, 'float32', i + 1) as tf.Tensor4D;
      const ft = tf.randomNormal(c.k, 0, 1, 'float32', i + 100) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(xt, ft, c.stride, c.pad);
      const dyt = tf.randomNormal(y.shape, 0, 1, 'float32', i + 200) as tf.Tensor4D;
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dyt)))([xt, ft]);
      return { x: xt.dataSync() as Float32Array, filter: ft.dataSync() as Float32Array, dy: dyt.dataSync() as Float32Array, expectFilter: gf.dataSync(), expectInput: gx.dataSync() };
    });
    const info = tf.backend_util.computeConv2DInfo(c.x, c.k, c.stride, 1, c.pad, undefined, true, 'channelsLast');
    const outFilter = new Float32Array(expectFilter.length);
    depthwiseFilterGrad(x, dy, info, c.k[3], outFilter);
    assertClose(outFilter, expectFilter, `filter loop, ${label}`);
    const outInput = new Float32Array(expectInput.length).fill(NaN); // the loop must clear what it accumulates into
    depthwiseInputGrad(dy, filter, info, c.k[3], outInput);
    assertClose(outInput, expectInput, `input loop, ${label}`);
    // The same through wasm's registry: tf.grads on wasm reaches the installed kernels.
    const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), tf.tensor(dy, tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).shape))))([tf.tensor(x, c.x), tf.tensor(filter, c.k)]);
    assertClose(gf.dataSync(), expectFilter, `wasm filter kernel, ${label}`);
    assertClose(gx.dataSync(), expectInput, `wasm input kernel, ${label}`);
  }
});
