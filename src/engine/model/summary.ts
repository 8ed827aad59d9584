// CONTRACT STUB (owner: engine-model helper).
import type * as tf from '@tensorflow/tfjs';
import type { ModelSummary } from '../../shared/summary';

/** The layer tree; totals equal `model.countParams()`. */
export function summarizeModel(model: tf.LayersModel, name?: string): ModelSummary {
  void model;
  void name;
  throw new Error('summarizeModel: not implemented yet');
}
