// Where each member's frozen prefix ends, worked out the way its run will:
// the same head, the same plan, the same freeze-boundary split. Members whose
// boundary is a set of single-output base layers can take their activations
// from the sweep's shared pass.
import type { TrainSpec } from '../../shared/trainSpec';
import type { tf } from '../tf';
import { attachHead, resolveTrainable } from '../model/transfer';
import { modelGraph } from '../model/graph';
import { splitAtFreezeBoundary } from '../model/split';
import type { GridMember } from './grid';

/**
 * For each member, the base layers at its freeze boundary, or null when its
 * run will not use a feature cache (augmentation, cache off, nothing frozen)
 * or its boundary is not made of single-output layers.
 */
export function memberBoundaries(base: tf.LayersModel, members: GridMember[], spec: Pick<TrainSpec, 'augment' | 'featureCache' | 'dropout'>, numClasses: number): (string[] | null)[] {
  if (spec.augment || spec.featureCache !== 'auto') return members.map(() => null);
  const singleOutput = new Set(modelGraph(base).filter((n) => n.outputs.length === 1 && n.layer.getClassName() !== 'InputLayer').map((n) => n.layer.name));
  const known = new Map<string, string[] | null>();
  return members.map((m) => {
    // The boundary depends on cut and plan only; seeds share it.
    const key = JSON.stringify([m.cut, m.plan]);
    if (!known.has(key)) known.set(key, boundaryOf(base, m, spec.dropout, numClasses, singleOutput));
    return known.get(key)!;
  });
}

function boundaryOf(base: tf.LayersModel, m: GridMember, dropout: number, numClasses: number, singleOutput: Set<string>): string[] | null {
  const model = attachHead(base, { cut: m.cut, numClasses, dropout, seed: m.seed });
  try {
    const split = splitAtFreezeBoundary(model, resolveTrainable(model, m.plan));
    if (!split) return null;
    const names = split.prefix.outputs.map((t) => t.sourceLayer.name);
    return names.every((n) => singleOutput.has(n)) ? names : null;
  } finally {
    // The head's layers are new; everything else belongs to `base`.
    const own = new Set(base.weights);
    for (const w of model.weights) if (!own.has(w)) w.dispose();
  }
}

/** The distinct layers the shared pass must output, in first-use order. */
export function passOutputs(boundaries: (string[] | null)[]): string[] {
  return [...new Set(boundaries.flatMap((b) => b ?? []))];
}
