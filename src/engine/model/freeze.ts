// The freeze plan: which layers train, and BatchNormalization pinned to
// inference mode so that frozen moving statistics never change (batchNorm.ts).
import { tf } from '../tf';
import type { TrainPlan } from '../../shared/trainSpec';
import { leafLayers, nestedModels } from './graph';
import { configureBatchNorm } from './batchNorm';
import { configureReluLayer } from './reluLayers';
import { HEAD_PREFIX, LayerChoiceError, unknownLayerError } from './head';

/**
 * Names of the layers that train under a plan. The head (layers named
 * HEAD_PREFIX…) always trains. `top:K` adds the K layers with weights nearest
 * the cut; an explicit list names layers (nested ones included).
 */
export function resolveTrainable(model: tf.LayersModel, plan: TrainPlan): Set<string> {
  const leaves = leafLayers(model).map((l) => l.layer);
  const head = leaves.filter((l) => l.name.startsWith(HEAD_PREFIX)).map((l) => l.name);
  if (head.length === 0) throw new LayerChoiceError(`the model has no head (no ${HEAD_PREFIX}* layers): attach one before planning`);
  const base = leaves.filter((l) => !l.name.startsWith(HEAD_PREFIX) && l.weights.length > 0);
  if (plan === 'head') return new Set(head);
  if (plan === 'all') return new Set([...base.map((l) => l.name), ...head]);
  if (typeof plan === 'string') {
    const k = Number(plan.slice('top:'.length));
    return new Set([...base.slice(Math.max(0, base.length - k)).map((l) => l.name), ...head]);
  }
  const names = leaves.map((l) => l.name);
  const known = new Set(names);
  for (const name of plan) if (!known.has(name)) throw unknownLayerError('layer', name, names);
  return new Set([...plan, ...head]);
}

/**
 * Sets `trainable` on every layer, and pins BatchNormalization to inference mode:
 * always when frozen, and also when trainable unless `batchNormMode` is `batch`.
 * The caller recompiles afterwards.
 */
export function applyFreeze(model: tf.LayersModel, trainable: Set<string>, batchNormMode: 'inference' | 'batch'): void {
  const leaves = leafLayers(model);
  // A container's `trainable` setter overwrites its children, so containers go first, leaves after.
  model.trainable = true;
  for (const c of nestedModels(model)) {
    const inside = leafLayers(c).some((l) => trainable.has(l.layer.name));
    c.trainable = inside;
  }
  for (const { layer } of leaves) {
    const trains = trainable.has(layer.name);
    layer.trainable = trains;
    if (layer.getClassName() === 'BatchNormalization') configureBatchNorm(layer, !trains || batchNormMode !== 'batch');
    if (layer.getClassName() === 'ReLU') configureReluLayer(layer);
  }
}
