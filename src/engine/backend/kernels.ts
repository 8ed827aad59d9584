// Which backends can train what. The wasm backend runs every forward kernel
// MobileNet-style networks need, but lacks some convolution gradients, so a
// frozen prefix can run on wasm (predict only) while the suffix trains on a
// backend that has them.
import { tf } from '../tf';

/** Gradient kernels that training convolutional layers needs. */
export const TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** Kernels from TRAINING_KERNELS that `backend` lacks (it must already be registered, e.g. by selectBackend). */
export function missingTrainingKernels(backend: string): string[] {
  return TRAINING_KERNELS.filter((k) => tf.getKernel(k, backend) === undefined);
}

/** True when `backend` can compute every convolution gradient, i.e. can train any layer. */
export function backendHasTrainingKernels(backend: string): boolean {
  return missingTrainingKernels(backend).length === 0;
}

/**
 * Runs `fn` with `backend` active, then switches back. For the feature cache:
 * `withBackend('wasm', () => prefix.predict(x))`. Tensors that `fn` returns
 * move to the other backend lazily, on their first use there.
 */
export async function withBackend<T>(backend: string, fn: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (previous === backend) return fn();
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' is not available`);
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}
