import type { BackendName } from '../../shared/trainSpec';
import { tf } from '../tf';

/**
 * Layers whose backward pass needs kernels the wasm backend lacks
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input).
 */
const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'Conv1D', 'Conv3D']);

/** True when training `model` would backpropagate through a convolution. */
export function needsConvGradients(model: tf.LayersModel): boolean {
  const walk = (layers: tf.layers.Layer[]): boolean =>
    layers.some((l) => CONV_CLASSES.has(l.getClassName()) || ('layers' in l && walk((l as tf.LayersModel).layers)));
  return walk(model.layers);
}

/**
 * Where the trainable part trains. The prefix (feature extraction) stays on
 * the selected backend; training moves to cpu only when the selected backend
 * is wasm and the trained graph has convolutions, which wasm cannot
 * differentiate. tfjs moves each tensor's data on first use after the switch.
 */
export function trainingBackend(selected: BackendName, trained: tf.LayersModel): { name: string; reason?: string } {
  if (selected === 'wasm' && needsConvGradients(trained)) {
    return { name: 'cpu', reason: 'the wasm backend has no convolution gradient kernels, so the trainable layers train on cpu' };
  }
  return { name: tf.getBackend() };
}
