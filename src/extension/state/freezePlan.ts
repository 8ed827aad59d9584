// The single freeze plan: which layers train, where the model is cut, and the
// parameter counts both the Layers tree and the dashboard show. Pure logic
// over a ModelSummary, so it is tested without VS Code and without tfjs.
//
// Layers are identified by their position in `summary.layers` (the id the
// host issues to the tree and the page).
import type { LayerSummary, ModelSummary } from '../../shared/summary';
import type { TrainPlan } from '../../shared/trainSpec';
import type { BlockRow, PlanView, Preset } from '../../shared/protocol/webview';
import { computeBlocks, type Block } from './blocks';

export interface FreezePlan {
  cut: number;
  preset: Preset;
  topK: number;
  /** Ids of trainable selectable layers, all at or before the cut. */
  trainable: ReadonlySet<number>;
}

/** Facts about a model that do not change with the plan; computed once per model. */
export class PlanModel {
  readonly layers: readonly LayerSummary[];
  /** Layers that can be toggled: own weights, not a nested-model container. */
  readonly selectable: ReadonlySet<number>;
  readonly containers: ReadonlySet<number>;
  readonly blocks: Block[];
  private readonly byName = new Map<string, number>();

  constructor(readonly summary: ModelSummary) {
    this.layers = summary.layers;
    // A container (a nested model) is a layer whose name continues some other layer's path.
    const key = (parts: string[]) => parts.join('\u0000');
    const prefixes = new Set<string>();
    for (const layer of summary.layers) for (let k = 1; k <= layer.path.length; k++) prefixes.add(key(layer.path.slice(0, k)));
    const containers = new Set<number>();
    const selectable = new Set<number>();
    summary.layers.forEach((layer, id) => {
      if (!this.byName.has(layer.name)) this.byName.set(layer.name, id);
      if (prefixes.has(key([...layer.path, layer.name]))) containers.add(id);
      else if (layer.hasWeights) selectable.add(id);
    });
    this.containers = containers;
    this.selectable = selectable;
    this.blocks = computeBlocks(summary.layers, selectable);
  }

  idOf(name: string): number | undefined {
    return this.byName.get(name);
  }

  defaultCut(): number {
    const named = this.summary.defaultCut === null ? undefined : this.idOf(this.summary.defaultCut);
    return named ?? Math.max(0, this.layers.length - 2);
  }

  /** Params that would train if the layer were trainable (a BatchNormalization's moving statistics never do). */
  trainableCapacity(id: number): number {
    const layer = this.layers[id];
    if (!layer || !this.selectable.has(id)) return 0;
    const all = layer.trainableParams + layer.nonTrainableParams;
    if (layer.className === 'BatchNormalization') return layer.trainableParams > 0 ? layer.trainableParams : all / 2;
    return all;
  }

  /** Selectable layers at or before the cut, nearest the cut first. */
  selectableBefore(cut: number): number[] {
    const ids: number[] = [];
    for (let id = Math.min(cut, this.layers.length - 1); id >= 0; id--) if (this.selectable.has(id)) ids.push(id);
    return ids;
  }

  /** Params of the new head: features × classes + classes; null while the class count is unknown. */
  headParams(cut: number, numClasses: number | null): number | null {
    if (numClasses === null || numClasses < 1) return null;
    const shape = this.layers[cut]?.outputShape;
    if (!shape || shape.length === 0) return null;
    const first = Array.isArray(shape[0]) ? (shape[0] as (number | null)[]) : (shape as (number | null)[]);
    const dims = first.slice(1).map((d) => d ?? 1);
    // 4-D output → global pooling keeps the channels; otherwise the head sees every value.
    const features = dims.length === 3 ? dims[2] : dims.reduce((a, b) => a * b, 1);
    return features * numClasses + numClasses;
  }
}

export function initialPlan(model: PlanModel): FreezePlan {
  return { cut: model.defaultCut(), preset: 'head', topK: 0, trainable: new Set() };
}

/** Re-derives the trainable set from the preset; `custom` keeps the user's choice up to the cut. */
function resolve(model: PlanModel, plan: FreezePlan): FreezePlan {
  const before = model.selectableBefore(plan.cut);
  const maxK = before.length;
  const topK = Math.max(0, Math.min(plan.topK, maxK));
  let trainable: Set<number>;
  if (plan.preset === 'head') trainable = new Set();
  else if (plan.preset === 'all') trainable = new Set(before);
  else if (plan.preset === 'top') trainable = new Set(before.slice(0, topK));
  else trainable = new Set([...plan.trainable].filter((id) => id <= plan.cut && model.selectable.has(id)));
  return { ...plan, topK, trainable };
}

export function withPreset(model: PlanModel, plan: FreezePlan, preset: 'head' | 'top' | 'all'): FreezePlan {
  const topK = preset === 'top' && plan.topK === 0 ? Math.min(2, model.selectableBefore(plan.cut).length) : plan.topK;
  return resolve(model, { ...plan, preset, topK });
}

export function withTopK(model: PlanModel, plan: FreezePlan, k: number): FreezePlan {
  return resolve(model, { ...plan, preset: 'top', topK: k });
}

export function withCut(model: PlanModel, plan: FreezePlan, cut: number): FreezePlan {
  if (!Number.isInteger(cut) || cut < 0 || cut >= model.layers.length) return plan;
  return resolve(model, { ...plan, cut });
}

/** Sets some layers' trainable state (a tree checkbox, a block toggle, freeze/unfreeze ranges). */
export function withLayers(model: PlanModel, plan: FreezePlan, ids: Iterable<number>, trainable: boolean): FreezePlan {
  const next = new Set(plan.trainable);
  let changed = false;
  for (const raw of ids) {
    for (const id of model.containers.has(raw) ? descendants(model, raw) : [raw]) {
      if (!model.selectable.has(id) || id > plan.cut) continue;
      if (trainable && !next.has(id)) {
        next.add(id);
        changed = true;
      }
      if (!trainable && next.delete(id)) changed = true;
    }
  }
  return changed ? { ...plan, preset: 'custom', trainable: next } : plan;
}

/** "Freeze up to here": layers 0..id frozen, the rest up to the cut trainable. */
export function freezeUpTo(model: PlanModel, plan: FreezePlan, id: number): FreezePlan {
  const before = model.selectableBefore(plan.cut);
  const frozen = withLayers(model, plan, before.filter((l) => l <= id), false);
  return withLayers(model, frozen, before.filter((l) => l > id), true);
}

/** "Unfreeze from here": layers id..cut trainable, everything before left as it is. */
export function unfreezeFrom(model: PlanModel, plan: FreezePlan, id: number): FreezePlan {
  return withLayers(model, plan, model.selectableBefore(plan.cut).filter((l) => l >= id), true);
}

function descendants(model: PlanModel, containerId: number): number[] {
  const name = model.layers[containerId]?.name;
  return model.layers.flatMap((l, id) => (name !== undefined && l.path.includes(name) ? [id] : []));
}

/** The plan as the engine takes it. A custom plan is spelled as layer names. */
export function toTrainPlan(model: PlanModel, plan: FreezePlan): TrainPlan {
  if (plan.preset === 'head') return 'head';
  if (plan.preset === 'all') return 'all';
  if (plan.preset === 'top') return `top:${plan.topK}`;
  return [...plan.trainable].sort((a, b) => a - b).map((id) => model.layers[id].name);
}

export function planView(model: PlanModel, plan: FreezePlan, numClasses: number | null): PlanView {
  let baseTrainable = 0;
  let baseTotal = 0;
  for (let id = 0; id <= plan.cut && id < model.layers.length; id++) {
    if (model.containers.has(id)) continue;
    const layer = model.layers[id];
    baseTotal += layer.trainableParams + layer.nonTrainableParams;
    if (plan.trainable.has(id)) baseTrainable += model.trainableCapacity(id);
  }
  const head = model.headParams(plan.cut, numClasses);
  const blocks: BlockRow[] = model.blocks.map((block, id) => {
    const live = block.layers.filter((l) => l <= plan.cut);
    const on = live.filter((l) => plan.trainable.has(l)).length;
    return { id, name: block.name, weighted: live.length, state: on === 0 ? 'frozen' : on === live.length ? 'trainable' : 'mixed' };
  });
  return {
    preset: plan.preset,
    topK: plan.topK,
    maxK: model.selectableBefore(plan.cut).length,
    cutId: plan.cut,
    cutName: model.layers[plan.cut]?.name ?? null,
    baseTrainableParams: Math.round(baseTrainable),
    headParams: head,
    trainableParams: Math.round(baseTrainable) + (head ?? 0),
    totalParams: baseTotal + (head ?? 0),
    trainableLayers: plan.trainable.size,
    blocks: blocks.filter((b) => b.weighted > 0),
  };
}
