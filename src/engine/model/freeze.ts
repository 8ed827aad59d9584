// The freeze plan: which layers train, and BatchNormalization pinned to
// inference mode so that frozen moving statistics never change.
import { tf } from '../tf';
import type { TrainPlan } from '../../shared/trainSpec';
import { leafLayers, nestedModels, type Layer } from './graph';
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

const PINNED = Symbol('finetune.bnPinned');

type BnLayer = Layer & { call: Layer['call']; [PINNED]?: true };

/**
 * tfjs-layers' BatchNormalization updates its moving mean and variance
 * whenever it runs with training=true, which `fit` passes to every layer,
 * frozen or not. An own `call` on the instance (the graph executor calls
 * `layer.call`) forces training=false: inference normalisation, no updates.
 */
function pinInference(layer: BnLayer): void {
  if (layer[PINNED]) return;
  const original = Object.getPrototypeOf(layer).call as Layer['call'];
  layer.call = function (this: BnLayer, inputs, kwargs) {
    return original.call(layer, inputs, { ...kwargs, training: false });
  };
  layer[PINNED] = true;
}

function unpin(layer: BnLayer): void {
  if (!layer[PINNED]) return;
  delete (layer as Partial<BnLayer>).call;
  delete layer[PINNED];
}

/** Whether a BatchNormalization layer is pinned to inference mode (for tests and the UI). */
export function isBatchNormPinned(layer: Layer): boolean {
  return (layer as BnLayer)[PINNED] === true;
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
    if (layer.getClassName() === 'BatchNormalization') {
      if (!trains || batchNormMode !== 'batch') pinInference(layer as BnLayer);
      else unpin(layer as BnLayer);
    }
  }
}
