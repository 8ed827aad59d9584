// Two kernels of our own on wasm, for a per-channel affine map y = x·a + b
// over the last axis (a pinned BatchNormalization, model/batchNorm.ts):
// the map in one SIMD pass (tfjs' Mul, then Add, take two), and its whole
// gradient in one more: dx = dy·a, da = Σ dy·x, db = Σ dy over every
// position (tfjs' Mul and Add gradients take three products and two sums).
// Registered only where the SIMD loops reach the heap; batchNorm.ts uses them
// where the active backend has them.
import { tf } from '../tf';
import { type TensorInfo, type WasmBackend } from './wasmKernelWrap';
import { heapSimd } from './simd/heapSimd';
import { heapAddress } from './wasmSimdKernels';

export const AFFINE = 'FinetuneAffine';
export const AFFINE_GRAD = 'FinetuneAffineGrad';

interface Disposing {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Channels and rows of `x` for a per-channel map by `a`, after checking what the loops need. */
function rowsOf(x: TensorInfo, a: TensorInfo): { rows: number; c: number } {
  const c = x.shape[x.shape.length - 1];
  if (x.dtype !== 'float32' || a.dtype !== 'float32' || a.shape.length !== 1 || a.shape[0] !== c || c === 0 || c % 4 !== 0) {
    throw new Error(`${AFFINE} needs float32 x with channels in fours and a per-channel [${c}] vector; got [${x.shape}] and [${a.shape}]`);
  }
  return { rows: x.shape.reduce((p, d) => p * d, 1) / c, c };
}

/** Installs both kernels on wasm (idempotent; nothing when the heap cannot be reached). */
export function installWasmAffineKernels(): void {
  if (tf.getKernel(AFFINE, 'wasm') || !heapSimd(tf.findBackend('wasm'))) return;
  tf.registerKernel({
    kernelName: AFFINE,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x, a, b } = args.inputs as unknown as { x: TensorInfo; a: TensorInfo; b: TensorInfo };
      const wasm = args.backend as unknown as WasmBackend;
      const { rows, c } = rowsOf(x, a);
      const out = wasm.makeOutput(x.shape, 'float32');
      heapSimd(wasm)!.affineRows(heapAddress(wasm, x), heapAddress(wasm, a), heapAddress(wasm, b), heapAddress(wasm, out), rows, c);
      return out as never;
    },
  });
  tf.registerKernel({
    kernelName: AFFINE_GRAD,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x, dy, a } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo; a: TensorInfo };
      const wasm = args.backend as unknown as WasmBackend;
      const { rows, c } = rowsOf(x, a);
      const dx = wasm.makeOutput(x.shape, 'float32');
      const da = wasm.makeOutput([c], 'float32');
      const db = wasm.makeOutput([c], 'float32');
      const scratch = wasm.makeOutput([c * 4], 'float32'); // 2·c float64 accumulators
      try {
        // tfjs' allocator aligns to 8 bytes or more, as a Float64Array needs.
        const acc = new Float64Array(wasm.typedArrayFromHeap(scratch).buffer, heapAddress(wasm, scratch), 2 * c);
        acc.fill(0);
        heapSimd(wasm)!.affineGradRows(heapAddress(wasm, x), heapAddress(wasm, dy), heapAddress(wasm, a), heapAddress(wasm, dx), acc.byteOffset, acc.byteOffset + c * 8, rows, c);
        wasm.typedArrayFromHeap(da).set(acc.subarray(0, c));
        wasm.typedArrayFromHeap(db).set(acc.subarray(c));
      } finally {
        (wasm as unknown as Disposing).disposeData(scratch.dataId, true);
      }
      return [dx, da, db] as never;
    },
  });
}
