// The wasm fast paths (src/engine/backend/wasmFastKernels.ts) must compute
// what the kernels they wrap compute: checked against the cpu backend, and
// checked to leave no data behind on wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';

function close(actual: number[], expected: number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]) / (1 + Math.abs(expected[i]))), 0);
  assert.ok(worst < tolerance, `largest relative difference ${worst}`);
}

async function onBoth(compute: () => tf.Tensor): Promise<{ wasm: number[]; cpu: number[] }> {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) => withBackend(backend, () => tf.tidy(() => Array.from(compute().dataSync())));
  return { wasm: await run('wasm'), cpu: await run('cpu') };
}

const cases: [string, number[], number[], boolean, boolean][] = [
  ['aᵀ·b', [17, 9], [17, 5], true, false],
  ['a·bᵀ', [9, 17], [5, 17], false, true],
  ['aᵀ·bᵀ', [17, 9], [5, 17], true, true],
  ['batched aᵀ·b', [3, 17, 9], [3, 17, 5], true, false],
  ['a size-1 dimension (a no-op transpose)', [1, 9], [5, 1], true, true],
];
for (const [name, aShape, bShape, ta, tb] of cases) {
  test(`wasm matMul ${name} equals cpu`, async () => {
    const { wasm, cpu } = await onBoth(() =>
      tf.matMul(tf.randomNormal(aShape as [number, number], 0, 1, 'float32', 1) as tf.Tensor2D, tf.randomNormal(bShape as [number, number], 0, 1, 'float32', 2) as tf.Tensor2D, ta, tb),
    );
    close(wasm, cpu);
  });
}

// 1×1 stride 1 is one product; every other case is the product spread back by col2im.
for (const [k, stride, pad] of [[1, 1, 'same'], [3, 1, 'same'], [3, 2, 'same'], [3, 2, 'valid'], [1, 2, 'valid'], [2, 2, 'same'], [3, 1, 1]] as const) {
  test(`wasm conv input gradient equals cpu (${k}×${k}, stride ${stride}, pad ${pad})`, async () => {
    const { wasm, cpu } = await onBoth(() => {
      const x = tf.randomNormal([2, 7, 6, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 8, 5], 0, 1, 'float32', 4) as tf.Tensor4D;
      return tf.grad((xi: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, w, stride, pad))))(x);
    });
    close(wasm, cpu);
  });
}

test('the fast paths leave no tensor data behind on wasm, and the inputs stay readable', async () => {
  await selectBackend({ requested: 'wasm' });
  const a = tf.randomNormal([1, 6]);
  const b = tf.randomNormal([4, 1]);
  const dataBefore = tf.engine().backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true).dispose();
  tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.conv2d(xi as tf.Tensor4D, tf.ones([1, 1, 6, 2]) as tf.Tensor4D, 1, 'valid')))(tf.ones([1, 3, 3, 6]))).dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(tf.engine().backend.numDataIds(), dataBefore);
  assert.equal(a.dataSync().length, 6, 'a transposed input must not be freed under its owner');
  tf.dispose([a, b]);
});
