import type { BackendName } from '../../shared/trainSpec';
import { tf } from '../tf';

/**
 * Layers whose backward pass needs kernels the wasm backend lacks even with
 * our Conv2D and depthwise gradients (convGradients.ts, depthwiseGradients.ts):
 * a transposed convolution's kernel gradient, and 3-D convolutions.
 */
const WASM_UNTRAINABLE = new Set(['Conv2DTranspose', 'Conv3D']);

/** Names of the layer classes in `model` that wasm cannot backpropagate through. */
export function wasmUntrainable(model: tf.LayersModel): string[] {
  const found = new Set<string>();
  const walk = (layers: tf.layers.Layer[]): void => {
    for (const l of layers) {
      if (WASM_UNTRAINABLE.has(l.getClassName())) found.add(l.getClassName());
      if ('layers' in l) walk((l as tf.LayersModel).layers);
    }
  };
  walk(model.layers);
  return [...found];
}

/**
 * Where the trainable part trains. The prefix (feature extraction) stays on
 * the selected backend; training moves to cpu only when the selected backend
 * is wasm and the trained graph has layers wasm cannot differentiate. tfjs
 * moves each tensor's data on first use after the switch.
 */
export function trainingBackend(selected: BackendName, trained: tf.LayersModel): { name: string; reason?: string } {
  const blockers = selected === 'wasm' ? wasmUntrainable(trained) : [];
  if (blockers.length > 0) {
    return { name: 'cpu', reason: `the wasm backend has no gradient kernels for ${blockers.join(', ')}, so the trainable layers train on cpu` };
  }
  return { name: tf.getBackend() };
}
