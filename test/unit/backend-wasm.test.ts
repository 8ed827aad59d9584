// The wasm backend under Node: it loads its .wasm files from node_modules and
// computes; the convolution gradients it lacks are supplied and agree with
// the cpu backend's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { backendHasTrainingKernels, missingTrainingKernels, withBackend } from '../../src/engine/backend/kernels';

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

test('withBackend switches back afterwards', async () => {
  await selectBackend({ requested: 'wasm' });
  const seen = await withBackend('cpu', () => tf.getBackend());
  assert.equal(seen, 'cpu');
  assert.equal(tf.getBackend(), 'wasm');
});
