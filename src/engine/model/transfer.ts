// CONTRACT STUB (owner: engine-model helper).
import type * as tf from '@tensorflow/tfjs';
import type { TrainPlan } from '../../shared/trainSpec';
import type { Preprocessing } from '../../shared/preprocessing';

/** Head layers are named with this prefix so that plans and summaries can tell them apart. */
export const HEAD_PREFIX = 'ft_head_';

/** The last feature layer before the classifier. */
export function findDefaultCut(model: tf.LayersModel): string {
  void model;
  throw new Error('findDefaultCut: not implemented yet');
}

/** base[..cut] + (global pooling if 4-D) + dropout + dense(numClasses, softmax). Shares the base's weights. */
export function attachHead(base: tf.LayersModel, options: { cut: string; numClasses: number; dropout: number; seed: number }): tf.LayersModel {
  void base;
  void options;
  throw new Error('attachHead: not implemented yet');
}

/** Names of the layers that train under a plan: `top:K` = the K weighted layers nearest the cut, plus the head. */
export function resolveTrainable(model: tf.LayersModel, plan: TrainPlan): Set<string> {
  void model;
  void plan;
  throw new Error('resolveTrainable: not implemented yet');
}

/**
 * Sets `trainable` on every layer, and pins BatchNormalization to inference mode:
 * always when frozen, and also when trainable unless `batchNormMode` is `batch`.
 * The caller recompiles afterwards.
 */
export function applyFreeze(model: tf.LayersModel, trainable: Set<string>, batchNormMode: 'inference' | 'batch'): void {
  void model;
  void trainable;
  void batchNormMode;
  throw new Error('applyFreeze: not implemented yet');
}

/** Preprocessing inferred from the model's input shape, with the [-1,1] range Keras MobileNet/Inception use. */
export function defaultPreprocessing(model: tf.LayersModel): Preprocessing {
  void model;
  throw new Error('defaultPreprocessing: not implemented yet');
}
