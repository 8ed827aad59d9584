// The wasm copy kernels (src/engine/backend/wasmCopyKernels.ts) must compute
// what tfjs computes: Tile for every axis pattern, and the gradient of an
// average pool whose window covers its input, checked against the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';
import { tileInto } from '../../src/engine/backend/wasmCopyKernels';

async function onBoth(compute: () => tf.Tensor): Promise<{ wasm: number[]; cpu: number[] }> {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) => withBackend(backend, () => tf.tidy(() => Array.from(compute().dataSync())));
  return { wasm: await run('wasm'), cpu: await run('cpu') };
}

const tiles: [number[], number[]][] = [
  [[1, 1, 1, 5], [2, 3, 4, 1]], // batchNorm's gradient: a scale spread over N, H, W
  [[2, 3], [3, 1]], // the outer axis only
  [[2, 3], [1, 4]], // the inner axis only
  [[2, 1, 3], [2, 5, 2]], // every axis
  [[4], [1]], // nothing to repeat
  [[0, 3], [2, 2]], // empty
];
for (const [shape, reps] of tiles) {
  test(`wasm tile of [${shape}] by [${reps}] equals cpu`, async () => {
    const size = shape.reduce((a, b) => a * b, 1);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 7 - 3));
      const { wasm, cpu } = await onBoth(() => tf.tile(tf.tensor(values as number[], shape, dtype), reps));
      assert.deepEqual(wasm, cpu, dtype);
    }
  });
}

test('tileInto writes the same values as a nested-loop tile', () => {
  const shape = [2, 3, 2];
  const reps = [3, 1, 2];
  const src = Float32Array.from({ length: 12 }, (_, i) => i + 1);
  const out = new Float32Array(12 * 6);
  tileInto(src, shape, reps, out);
  const [a, b, c] = shape.map((d, i) => d * reps[i]);
  const expected: number[] = [];
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) expected.push(src[((i % 2) * 3 + (j % 3)) * 2 + (k % 2)]);
  assert.deepEqual(Array.from(out), expected);
});

const pools: [string, number, number, 'valid' | 'same'][] = [
  ['covering the input (the fast path)', 7, 7, 'valid'],
  ['smaller than the input (wasm\'s own kernel)', 3, 1, 'valid'],
  ['covering the input with same padding (wasm\'s own kernel)', 7, 7, 'same'],
];
for (const [name, window, stride, pad] of pools) {
  test(`wasm average-pool gradient, window ${name}, equals cpu`, async () => {
    const { wasm, cpu } = await onBoth(() => {
      const x = tf.randomNormal([3, 7, 7, 5], 0, 1, 'float32', 5) as tf.Tensor4D;
      const pool = (xi: tf.Tensor) => tf.avgPool(xi as tf.Tensor4D, window, stride, pad);
      // A weighted sum, so that every output position gets its own gradient.
      const weights = tf.randomNormal(pool(x).shape, 0, 1, 'float32', 6);
      return tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(pool(xi), weights)))(x);
    });
    const worst = wasm.reduce((m, v, i) => Math.max(m, Math.abs(v - cpu[i])), 0);
    assert.ok(worst < 1e-6, `largest difference ${worst}`);
  });
}

test('the copy kernels leave no tensor data behind on wasm', async () => {
  await selectBackend({ requested: 'wasm' });
  const dataBefore = tf.engine().backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  tf.tidy(() => {
    tf.tile(tf.ones([1, 1, 1, 4]), [2, 3, 3, 1]).dataSync();
    tf.grad((xi: tf.Tensor) => tf.sum(tf.avgPool(xi as tf.Tensor4D, 3, 3, 'valid')))(tf.ones([2, 3, 3, 4])).dataSync();
  });
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(tf.engine().backend.numDataIds(), dataBefore);
});

test('a wasm clone shares its data and outlives the original, as on cpu', async () => {
  await selectBackend({ requested: 'wasm' });
  const x = tf.tensor([1.5, -2, 3], [3]);
  const buffers = tf.engine().backend.numDataIds();
  const copy = tf.clone(x);
  assert.equal(tf.engine().backend.numDataIds(), buffers, 'no second buffer');
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3]);
  copy.dispose();
  assert.equal(tf.engine().backend.numDataIds(), buffers - 1, 'the buffer is freed with its last reference');
});

const slices: [number[], number[], number[]][] = [
  [[2, 9, 9, 3], [0, 1, 1, 0], [2, 7, 7, 3]], // a zero padding's gradient: rows of W·C
  [[2, 9, 9, 3], [1, 0, 0, 0], [1, 9, 9, 3]], // whole images: one run
  [[3, 4, 5], [0, 1, 2], [3, 2, -1]], // cut on the last axis, size −1
  [[7], [2], [4]],
  [[4, 6], [1, 0], [0, 6]], // empty: tfjs' kernel
];
for (const [shape, begin, size] of slices) {
  test(`wasm slice of [${shape}] at [${begin}] size [${size}] equals cpu`, async () => {
    const count = shape.reduce((a, b) => a * b, 1);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const values = Array.from({ length: count }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 3 - 7));
      const { wasm, cpu } = await onBoth(() => tf.slice(tf.tensor(values as number[], shape, dtype), begin, size));
      assert.deepEqual(wasm, cpu, dtype);
    }
  });
}

test('a wasm cast to the same dtype shares the data; to another dtype it converts, as on cpu', async () => {
  await selectBackend({ requested: 'wasm' });
  const x = tf.tensor([1.5, -2, 3], [3]);
  const buffers = tf.engine().backend.numDataIds();
  const same = tf.cast(x, 'float32');
  assert.equal(tf.engine().backend.numDataIds(), buffers, 'no second buffer');
  x.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
  const { wasm, cpu } = await onBoth(() => tf.cast(tf.tensor([1.5, -2.7, 3]), 'int32'));
  assert.deepEqual(wasm, cpu);
  same.dispose();
});
