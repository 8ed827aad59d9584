// The SIMD kernels on the wasm heap (wasmSimdKernels.ts, the depthwise loops
// of wasmDepthwiseKernels.ts) against the cpu backend: exact where the
// arithmetic is the same (copies, comparisons, selection), within 1e-5 of the
// largest value where sums are taken in another order. Shapes include tails
// (sizes that are not multiples of 4 or 16) and the cases handed back to tfjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';
import { heapSimd } from '../../src/engine/backend/simd/heapSimd';
import { assembleSimdKernels } from '../../scripts/build-simd-kernels';

/** `compute` on wasm and on cpu, from the same seeded inputs; values and dtype of each result. */
async function onBoth(compute: () => tf.Tensor): Promise<{ wasm: number[]; cpu: number[]; dtypes: string[] }> {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) => withBackend(backend, () => tf.tidy(() => {
    const t = compute();
    return { values: Array.from(t.dataSync()), dtype: t.dtype, shape: t.shape };
  }));
  const [w, c] = [await run('wasm'), await run('cpu')];
  assert.deepEqual(w.shape, c.shape, 'shape');
  return { wasm: w.values, cpu: c.values, dtypes: [w.dtype, c.dtype] };
}

function assertClose(wasm: number[], cpu: number[], what: string, tolerance = 1e-5): void {
  const scale = Math.max(1, ...cpu.map(Math.abs));
  const err = Math.max(0, ...cpu.map((v, i) => Math.abs(v - wasm[i])));
  assert.ok(err <= tolerance * scale, `${what}: error ${err} at scale ${scale}`);
}

const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -3, 9, 'float32', seed);

test('the committed SIMD module is the assembled kernels.wat', async () => {
  assert.equal(readFileSync('src/engine/backend/simd/kernels.wasm.ts', 'utf8'), await assembleSimdKernels());
});

test('the SIMD loops reach the wasm heap under Node, and step aside where they cannot', async () => {
  await selectBackend({ requested: 'wasm' });
  assert.ok(heapSimd(tf.backend()), 'tfjs-backend-wasm exposes its memory');
  assert.equal(heapSimd({}), undefined, 'no memory exposed');
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }); // as tfjs' threaded build has
  assert.equal(heapSimd({ wasm: { asm: { memory: shared } } }), undefined, 'a shared memory the module does not declare');
});

for (const [shape, perm] of [[[8, 12], [1, 0]], [[3, 4, 8], [0, 2, 1]], [[6, 5], [1, 0]], [[2, 4, 4], [1, 0, 2]]] as const) {
  test(`wasm transpose of [${shape}] by [${perm}] equals cpu${shape.at(-1)! % 4 ? ' (tfjs kernel)' : ''}`, async () => {
    for (const dtype of ['float32', 'int32'] as const) {
      const { wasm, cpu } = await onBoth(() => tf.transpose(tf.cast(rand([...shape], 1), dtype), [...perm]));
      assert.deepEqual(wasm, cpu, dtype);
    }
  });
}

test('wasm ≥ and ≤ against a scalar equal cpu, boundaries and NaN included, with a tail', async () => {
  const values = [0, 6, -0, 5.999, 6.001, -1e-7, NaN, Infinity, -Infinity, 3, 7, 2, 0.5];
  for (const op of [tf.greaterEqual, tf.lessEqual]) {
    for (const limit of [0, 6]) {
      const { wasm, cpu, dtypes } = await onBoth(() => op(tf.tensor1d(values), limit));
      assert.deepEqual(wasm, cpu, `${op.name} ${limit}`);
      assert.deepEqual(dtypes, ['bool', 'bool']);
    }
  }
  // Two tensors of one shape: tfjs' own kernel.
  const { wasm, cpu } = await onBoth(() => tf.greaterEqual(rand([5, 7], 2), rand([5, 7], 3)));
  assert.deepEqual(wasm, cpu);
});

test('wasm logical and and select equal cpu (sizes 37 and 64; int32 too)', async () => {
  for (const n of [37, 64]) {
    const { wasm, cpu } = await onBoth(() => tf.logicalAnd(tf.greater(rand([n], 4), 2), tf.less(rand([n], 5), 4)));
    assert.deepEqual(wasm, cpu, `and ${n}`);
    for (const dtype of ['float32', 'int32'] as const) {
      const picked = await onBoth(() => tf.where(tf.greater(rand([n], 6), 3), tf.cast(rand([n], 7), dtype), tf.cast(rand([n], 8), dtype)));
      assert.deepEqual(picked.wasm, picked.cpu, `select ${n} ${dtype}`);
    }
  }
});

test('the ReLU6 gradient (relu, then clip to 6) on wasm equals cpu', async () => {
  const { wasm, cpu } = await onBoth(() => {
    const x = tf.randomUniform([2, 5, 5, 12], -3, 9, 'float32', 9);
    return tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(tf.relu(xi), 0, 6), rand([2, 5, 5, 12], 10))))(x);
  });
  assert.deepEqual(wasm, cpu);
});

for (const [shape, axis, keepDims] of [[[4, 5, 6, 8], [0, 1, 2], false], [[4, 5, 6, 8], [0, 1, 2], true], [[33, 12], 0, false], [[3, 4, 8], [-3, 1], false], [[4, 6], 1, false], [[5, 6], 0, false]] as const) {
  test(`wasm sum of [${shape}] over ${JSON.stringify(axis)}${keepDims ? ' keeping dims' : ''} equals cpu`, async () => {
    const { wasm, cpu } = await onBoth(() => tf.sum(rand([...shape], 11), axis as number | number[], keepDims));
    assertClose(wasm, cpu, 'sum');
  });
}

type Shape4 = [number, number, number, number];
const depthwise: { x: Shape4; k: Shape4; stride: number; pad: 'same' | 'valid' | number }[] = [
  { x: [2, 7, 7, 8], k: [3, 3, 8, 1], stride: 1, pad: 'same' },
  { x: [2, 8, 9, 4], k: [3, 3, 4, 1], stride: 2, pad: 'same' },
  { x: [1, 9, 7, 12], k: [3, 3, 12, 1], stride: 2, pad: 'valid' },
  { x: [3, 6, 6, 4], k: [5, 5, 4, 1], stride: 1, pad: 2 },
  { x: [1, 4, 4, 4], k: [1, 1, 4, 1], stride: 1, pad: 'valid' },
];

for (const c of depthwise) {
  test(`wasm SIMD depthwise gradients equal cpu (${JSON.stringify(c)})`, async () => {
    const { wasm, cpu } = await onBoth(() => {
      const x = rand(c.x, 12) as tf.Tensor4D;
      const filter = rand(c.k, 13) as tf.Tensor4D;
      const weights = rand(tf.depthwiseConv2d(x, filter, c.stride, c.pad).shape, 14);
      const f = (xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, c.stride, c.pad), weights));
      const [dx, df] = tf.grads(f)([x, filter]);
      return tf.concat([dx.flatten(), df.flatten()]);
    });
    assertClose(wasm, cpu, 'input and filter gradients');
  });
}
