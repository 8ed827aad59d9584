// BatchNormalization as fine-tuning needs it.
//
// 1. tfjs-layers updates a BN layer's moving mean and variance whenever it
//    runs with training=true, which `fit` passes to every layer, frozen or
//    not. Pinning installs an own `call` on the instance (the graph executor
//    calls `layer.call`) that forces inference: moving statistics, no updates.
// 2. tfjs cannot train through a BN layer without gamma or beta (Keras
//    `scale=False`/`center=False`, as in every BN of InceptionV3): the fused
//    op's gradient clones its missing `scale` input and crashes, and the
//    training path reads `this.gamma` unconditionally. Such layers get an own
//    `call` built from elementwise ops, which differentiate fine.
import { tf } from '../tf';
import type { Layer } from './graph';
import { AFFINE, AFFINE_GRAD } from '../backend/wasmAffineKernels';

interface BnInternals {
  axis: number;
  epsilon: number;
  momentum: number;
  gamma?: tf.LayerVariable | null;
  beta?: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type BnLayer = Layer & BnInternals & { [PINNED]?: boolean };
type CallFn = Layer['call'];

const PINNED = Symbol('finetune.bnPinned');

function channelShape(layer: BnInternals, rank: number, channels: number): { axis: number; shape: number[] } {
  const axis = layer.axis >= 0 ? layer.axis : layer.axis + rank;
  const shape = new Array(rank).fill(1);
  shape[axis] = channels;
  return { axis, shape };
}

/** x·a + b over the last axis, and its gradient, each one pass of the backend's fused kernels (wasmAffineKernels.ts). */
const fusedAffine = tf.customGrad(((x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, a]);
  return {
    value: tf.engine().runKernel(AFFINE, { x, a, b }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [xs, as]: tf.Tensor[]) => tf.engine().runKernel(AFFINE_GRAD, { x: xs, dy, a: as }) as tf.Tensor[],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x·a + b with a = γ/√(σ²+ε) and b = β − μ·a; a missing γ is 1, a missing β is 0. */
function normalize(layer: BnInternals, x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
  const { axis, shape } = channelShape(layer, x.rank, mean.size);
  let a = tf.rsqrt(tf.add(variance, layer.epsilon));
  if (layer.gamma) a = tf.mul(a, layer.gamma.read());
  let b = tf.neg(tf.mul(mean, a));
  if (layer.beta) b = tf.add(b, layer.beta.read());
  if (axis === x.rank - 1 && mean.size > 0 && mean.size % 4 === 0 && tf.getKernel(AFFINE, tf.getBackend())) return fusedAffine(x, a.reshape([-1]), b.reshape([-1]));
  return tf.add(tf.mul(x, tf.reshape(a, shape)), tf.reshape(b, shape));
}

/** Batch statistics plus the moving-average update, as tfjs-layers does it. */
function normalizeBatch(layer: BnInternals, x: tf.Tensor): tf.Tensor {
  const { axis } = channelShape(layer, x.rank, 1);
  const reduce = [...Array(x.rank).keys()].filter((d) => d !== axis);
  const { mean, variance } = tf.moments(x, reduce);
  tf.tidy(() => {
    for (const [v, value] of [[layer.movingMean, mean], [layer.movingVariance, variance]] as const) {
      const old = v.read();
      v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - layer.momentum)));
    }
  });
  return normalize(layer, x, mean, variance);
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * Sets how a BatchNormalization layer runs: `pinned` = always inference mode
 * (frozen layers, and trainable ones unless batchNormMode is 'batch').
 */
export function configureBatchNorm(layer: Layer, pinned: boolean): void {
  const bn = layer as BnLayer;
  const original = Object.getPrototypeOf(bn).call as CallFn;
  const noAffine = !bn.gamma || !bn.beta;
  delete (bn as Partial<BnLayer>).call;
  bn[PINNED] = pinned;
  if (pinned && noAffine) {
    bn.call = (inputs) => tf.tidy(() => normalize(bn, single(inputs), bn.movingMean.read(), bn.movingVariance.read()));
  } else if (pinned) {
    // On wasm, x·a + b is two SIMD broadcasts, and its gradient two products and two sums; tfjs' FusedBatchNorm
    // is a scalar loop there, and its gradient makes seven passes over the activations (together about 25% of
    // a MobileNetV2 training pass with every layer trainable). Elsewhere the fused kernel is the fast one.
    bn.call = (inputs, kwargs) =>
      tf.getBackend() === 'wasm' ? tf.tidy(() => normalize(bn, single(inputs), bn.movingMean.read(), bn.movingVariance.read())) : original.call(bn, inputs, { ...kwargs, training: false });
  } else if (noAffine) {
    bn.call = (inputs, kwargs) =>
      tf.tidy(() => (kwargs?.training ? normalizeBatch(bn, single(inputs)) : normalize(bn, single(inputs), bn.movingMean.read(), bn.movingVariance.read())));
  }
}

/** Whether a BatchNormalization layer is pinned to inference mode (for tests and the UI). */
export function isBatchNormPinned(layer: Layer): boolean {
  return (layer as BnLayer)[PINNED] === true;
}
