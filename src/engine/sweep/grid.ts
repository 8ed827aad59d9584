// The sweep's grid: cut × plan × seed, checked against the model before
// anything runs, so a bad grid costs one line and no run folder.
import { tf } from '../tf';
import type { TrainPlan } from '../../shared/trainSpec';
import { planLabel } from '../../shared/sweep';
import { leafLayers, modelGraph } from '../model/graph';
import { LayerChoiceError, unknownLayerError } from '../model/head';
import { TrainSetupError } from '../train/errors';

/** More runs than this is a typo, not a sweep. */
export const MAX_SWEEP_RUNS = 500;

export interface GridInput {
  cuts: string[];
  plans: TrainPlan[];
  seeds: number[];
}

export interface GridMember {
  /** `c<n>`: one per cut × plan, numbered in grid order from 1. */
  candidate: string;
  cut: string;
  plan: TrainPlan;
  seed: number;
}

/**
 * Every cut × plan × seed, after checking each cut names a single-output
 * layer of `base` and each explicit plan names only layers the cut keeps.
 * Duplicates are dropped; grid order is cut, then plan, then seed.
 */
export function expandGrid(base: tf.LayersModel, input: GridInput): GridMember[] {
  const cuts = unique(input.cuts, (c) => c);
  const plans = unique(input.plans, planLabel);
  const seeds = unique(input.seeds, String);
  const empty = [cuts.length === 0 && 'no cut', plans.length === 0 && 'no plan', seeds.length === 0 && 'no seed'].filter(Boolean);
  if (empty.length) throw new TrainSetupError(`the sweep grid is empty (${empty.join(', ')}); nothing to run`);
  const runs = cuts.length * plans.length * seeds.length;
  if (runs > MAX_SWEEP_RUNS) throw new TrainSetupError(`the sweep grid has ${runs} runs; at most ${MAX_SWEEP_RUNS}`);

  const graph = modelGraph(base);
  const names = graph.map((n) => n.layer.name);
  const members: GridMember[] = [];
  let candidate = 0;
  for (const cut of cuts) {
    const node = graph.find((n) => n.layer.name === cut);
    if (!node) throw unknownLayerError('cut layer', cut, names);
    if (node.outputs.length !== 1) throw new LayerChoiceError(`cut layer '${cut}' has ${node.outputs.length} outputs; choose a layer with one`);
    if (node.layer.getClassName() === 'InputLayer') throw new LayerChoiceError(`cut layer '${cut}' is the model's input; cut at a layer after it`);
    const kept = keptLayers(base, node.outputs[0]);
    for (const plan of plans) {
      if (Array.isArray(plan)) checkPlanBelowCut(plan, cut, kept, base);
      candidate++;
      for (const seed of seeds) members.push({ candidate: `c${candidate}`, cut, plan, seed });
    }
  }
  return members;
}

/** Leaf layer names of base[..cut]: what a run cut there can train. */
function keptLayers(base: tf.LayersModel, cutOutput: tf.SymbolicTensor): Set<string> {
  const below = tf.model({ inputs: base.inputs, outputs: cutOutput });
  return new Set(leafLayers(below).map((l) => l.layer.name));
}

function checkPlanBelowCut(plan: string[], cut: string, kept: Set<string>, base: tf.LayersModel): void {
  const all = leafLayers(base).map((l) => l.layer.name);
  for (const layer of plan) {
    if (kept.has(layer)) continue;
    if (!all.includes(layer)) throw unknownLayerError('layer', layer, all);
    throw new LayerChoiceError(`plan '${planLabel(plan)}' trains '${layer}', which is above cut '${cut}' (the cut removes it); cut higher or drop it from the plan`);
  }
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && (seen.add(key(item)), true));
}
