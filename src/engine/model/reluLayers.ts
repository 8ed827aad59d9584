// ReLU layers with a maximum (Keras `ReLU(6.)`, MobileNetV2's activation
// after every expansion and depthwise convolution). tfjs-layers applies relu,
// then clipByValue, and their gradients run seven kernels over each
// activation: about 15% of a MobileNetV2 training pass on wasm with every
// layer trainable. Where the active backend has the fused gradient kernel
// (RELU_CLIP_GRAD, registered on wasm), the layer keeps its forward ops and
// takes that kernel as its gradient, via tf.customGrad; elsewhere it is
// tfjs' own layer.
import { tf } from '../tf';
import { RELU_CLIP_GRAD } from '../backend/wasmSimdKernels';
import type { Layer } from './graph';

type ReluLayer = Layer & { maxValue?: number | null };

const FUSED = Symbol('finetune.reluFused');

/** Gives a ReLU layer with a maximum the fused gradient on backends that have it (idempotent). */
export function configureReluLayer(layer: Layer): void {
  const relu = layer as ReluLayer & { [FUSED]?: boolean };
  const max = relu.maxValue;
  if (relu[FUSED] || max == null) return;
  relu[FUSED] = true;
  const original = Object.getPrototypeOf(relu).call as Layer['call'];
  const forward = (x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.clipByValue(tf.relu(x), 0, max),
      // 0 < x ≤ max passes dy, as relu's step (0 at x = 0) times the clip's window does.
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.engine().runKernel(RELU_CLIP_GRAD, { x: saved, dy }, { max }) as tf.Tensor,
    };
  };
  const fused = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  relu.call = (inputs, kwargs) => {
    if (!tf.getKernel(RELU_CLIP_GRAD, tf.getBackend())) return original.call(relu, inputs, kwargs);
    return fused(Array.isArray(inputs) ? inputs[0] : inputs);
  };
}
