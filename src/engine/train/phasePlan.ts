// The run spec's schedule as phases the loop runs: an explicit `phases` list,
// a preset (`fine-tune`, `gradual`), or one phase with a plan (`head`,
// `top:K`, `all`, a list of layers). Phases and layer groups are data; this
// file is the only place that turns names into them.
import type { tf } from '../tf';
import type { LayerGroup, TrainChoice, TrainPlan, TrainSpec } from '../../shared/trainSpec';
import { HEAD_PREFIX, resolveTrainable } from '../model/transfer';
import { leafLayers } from '../model/graph';
import type { Phase, PhaseGroup } from './phases';

/** fastai's `slice(lr/100, lr)`: the bottom of the network learns 100× slower than the head. */
export const FINE_TUNE_SPREAD = 100;
/** ULMFiT's discriminative factor: each block down from the top learns 2.6× slower. */
export const GRADUAL_FACTOR = 2.6;
/** Base blocks are pooled into at most this many groups for `fine-tune` (plus the head). */
const FINE_TUNE_BASE_GROUPS = 3;

/** The phases a spec asks for, with `epochs` the run's budget (explicit or from the budget rule). */
export function planPhases(model: tf.LayersModel, spec: Pick<TrainSpec, 'phases' | 'learningRate'>, train: TrainChoice, epochs: number): Phase[] {
  const lr = spec.learningRate;
  if (spec.phases) return spec.phases.map((p, i) => phaseOf(model, `${i + 1}: ${describePlan(p.train)}`, p.train, p.epochs, lr, p.groups));
  if (train === 'fine-tune') return fineTune(model, lr, epochs);
  if (train === 'gradual') return gradual(model, lr, epochs);
  return [phaseOf(model, describePlan(train), train, epochs, lr)];
}

/**
 * A block: one base layer with weights, together with the BatchNormalization
 * layers right after it (a convolution and its normalisation unfreeze
 * together). Bottom to top; the head is not a block.
 */
export function baseBlocks(model: tf.LayersModel): string[][] {
  const blocks: string[][] = [];
  for (const { layer } of leafLayers(model)) {
    if (layer.name.startsWith(HEAD_PREFIX) || layer.weights.length === 0) continue;
    if (layer.getClassName() === 'BatchNormalization' && blocks.length > 0) blocks[blocks.length - 1].push(layer.name);
    else blocks.push([layer.name]);
  }
  return blocks;
}

/** The head for one epoch, then every layer, in groups whose rates rise geometrically from lr/100 (bottom) to lr (head). */
function fineTune(model: tf.LayersModel, lr: number, epochs: number): Phase[] {
  const head = headLayers(model);
  const headPhase: Phase = { name: 'fine-tune: head', trainable: new Set(head), epochs: 1, learningRate: lr };
  const blocks = baseBlocks(model);
  if (epochs < 2 || blocks.length === 0) return [{ ...headPhase, epochs }];
  const chunks = chunk(blocks, Math.min(FINE_TUNE_BASE_GROUPS, blocks.length)).map((c) => c.flat());
  const units = [...chunks, head];
  const groups = units.map((layers, i) => ({ layers: new Set(layers), lrMultiplier: FINE_TUNE_SPREAD ** -((units.length - 1 - i) / (units.length - 1)) }));
  return [headPhase, { name: 'fine-tune: all', trainable: new Set(units.flat()), epochs: epochs - 1, learningRate: lr, groups }];
}

/**
 * ULMFiT's gradual unfreezing: the head for one epoch, then one more block
 * from the top each epoch, each block down learning 2.6× slower; the last
 * phase keeps what is unfrozen for the remaining epochs. A budget shorter
 * than the blocks leaves the lowest ones frozen.
 */
function gradual(model: tf.LayersModel, lr: number, epochs: number): Phase[] {
  const head = headLayers(model);
  const fromTop = baseBlocks(model).reverse();
  const phaseCount = Math.min(epochs, fromTop.length + 1);
  return Array.from({ length: phaseCount }, (_, k) => {
    const units = [head, ...fromTop.slice(0, k)];
    const groups: PhaseGroup[] = units.map((layers, depth) => ({ layers: new Set(layers), lrMultiplier: GRADUAL_FACTOR ** -depth }));
    const last = k === phaseCount - 1;
    return { name: `gradual: head + ${k} block${k === 1 ? '' : 's'}`, trainable: new Set(units.flat()), epochs: last ? epochs - k : 1, learningRate: lr, groups };
  });
}

function phaseOf(model: tf.LayersModel, name: string, plan: TrainPlan, epochs: number, lr: number, groups?: LayerGroup[]): Phase {
  const trainable = resolveTrainable(model, plan);
  if (!groups) return { name, trainable, epochs, learningRate: lr };
  // A layer belongs to the first group that selects it; the rest train at ×1.
  const claimed = new Set<string>();
  const resolved: PhaseGroup[] = [];
  for (const g of groups) {
    const layers = [...groupLayers(model, g.layers)].filter((l) => trainable.has(l) && !claimed.has(l));
    layers.forEach((l) => claimed.add(l));
    if (layers.length > 0) resolved.push({ layers: new Set(layers), lrMultiplier: g.lrMultiplier });
  }
  const rest = [...trainable].filter((l) => !claimed.has(l));
  if (rest.length > 0) resolved.push({ layers: new Set(rest), lrMultiplier: 1 });
  return { name, trainable, epochs, learningRate: lr, groups: resolved };
}

/** Like a plan, except that `top:K` and a list select only what they name (a plan always adds the head). */
function groupLayers(model: tf.LayersModel, selection: TrainPlan): Set<string> {
  if (selection === 'head' || selection === 'all') return resolveTrainable(model, selection);
  const head = new Set(headLayers(model));
  return new Set([...resolveTrainable(model, selection)].filter((l) => !head.has(l) || (Array.isArray(selection) && selection.includes(l))));
}

function headLayers(model: tf.LayersModel): string[] {
  return [...resolveTrainable(model, 'head')];
}

/** Splits a list into `n` contiguous parts whose sizes differ by at most one. */
function chunk<T>(items: T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
}

function describePlan(plan: TrainPlan): string {
  return Array.isArray(plan) ? `${plan.length} named layers` : plan;
}
