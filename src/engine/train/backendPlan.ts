import type { BackendName } from '../../shared/trainSpec';
import { tf } from '../tf';
import { untrainableLayers } from '../backend/kernels';

/** Class names of every layer in `model`, nested models included. */
function layerClasses(model: tf.LayersModel): string[] {
  const found: string[] = [];
  const walk = (layers: tf.layers.Layer[]): void => {
    for (const l of layers) {
      found.push(l.getClassName());
      if ('layers' in l) walk((l as tf.LayersModel).layers);
    }
  };
  walk(model.layers);
  return found;
}

/**
 * Where the trainable part trains. The prefix (feature extraction) stays on
 * the selected backend; training moves to cpu only when the active backend
 * lacks a gradient kernel that a layer of the trained graph needs. The check
 * reads the kernel registry, so the kernels selectBackend adds for wasm
 * (wasmGradients.ts) count, and it stays right if tfjs adds more. tfjs moves
 * each tensor's data on first use after the switch.
 */
export function trainingBackend(selected: BackendName, trained: tf.LayersModel): { name: string; reason?: string } {
  const active = tf.getBackend();
  const blockers = active === 'cpu' ? [] : untrainableLayers(active, layerClasses(trained));
  if (blockers.length > 0) {
    return { name: 'cpu', reason: `the ${selected} backend has no gradient kernels for ${blockers.join(', ')}, so the trainable layers train on cpu` };
  }
  return { name: active };
}
