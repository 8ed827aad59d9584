// Replacing one of wasm's kernels with a wrapper around it, once per process:
// the fast paths in wasmFastKernels.ts and wasmCopyKernels.ts all take this
// form (handle the case they speed up, hand every other case to the original).
import { tf } from '../tf';

/** A tensor as a kernel sees it. */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** The two wasm backend methods a kernel that works on the heap in place needs (tfjs does not export the type). */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): tf.backend_util.TypedArray;
  incRef(dataId: object): void;
}

const wrapped = new Set<string>();

/**
 * Registers `wrap(original)` as wasm's `kernelName`, keeping the original's
 * setup and dispose. Returns false when wasm lacks the kernel or it is
 * already wrapped, so installing twice never wraps a wrapper.
 */
export function wrapWasmKernel(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, 'wasm');
  if (wrapped.has(kernelName) || !original) return false;
  wrapped.add(kernelName);
  const kernelFunc = wrap(original.kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc });
  return true;
}
