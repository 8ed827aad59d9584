// Which backends can train what, read from tfjs' kernel registry. The wasm
// package lacks some convolution gradients; selectBackend supplies those
// (wasmGradients.ts), and anything still missing sends training to cpu
// (train/backendPlan.ts) while a frozen prefix can stay on wasm.
import { tf } from '../tf';

/** Gradient kernels that training convolutional layers needs. */
export const TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/**
 * The kernels each convolutional layer's backward pass runs, per tfjs-core's
 * gradient definitions (Conv2DTranspose's forward is Conv2DBackpropInput, so
 * its gradients are Conv2D and Conv2DBackpropFilter). A backend lacking one of
 * them cannot train that layer; other layers only need kernels every backend has.
 */
export const LAYER_GRADIENT_KERNELS: Readonly<Record<string, readonly string[]>> = {
  Conv1D: ['Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  Conv2D: ['Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  Conv2DTranspose: ['Conv2D', 'Conv2DBackpropFilter'],
  DepthwiseConv2D: ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'],
  SeparableConv2D: ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  Conv3D: ['Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'],
};

/** Of the layer classes `classNames`, those whose gradient kernels `backend` lacks. */
export function untrainableLayers(backend: string, classNames: Iterable<string>): string[] {
  return [...new Set(classNames)].filter((name) => (LAYER_GRADIENT_KERNELS[name] ?? []).some((k) => tf.getKernel(k, backend) === undefined));
}

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
