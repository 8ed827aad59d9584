// The dashboard's view of the host store, one section at a time: patches
// send only what changed, so each section is built on demand. Paths stay on
// the host; the page gets names, counts and host-issued ids.
import type { DashboardState, DatasetView, Hyperparameters, ResultsView, RunView } from '../../shared/protocol/webview';
import type { RunResult } from '../../shared/events';
import type { ModelSummary } from '../../shared/summary';
import * as path from 'node:path';
import { suggestionView, type Suggestion } from './suggestions';
import { planView, type FreezePlan, type PlanModel } from './freezePlan';
import type { FileRegistry } from './fileRegistry';
import { modelCardText } from '../../shared/modelCard';
import type { LayerSignals } from './layerSignals';
import type { LrFinderState } from './lrFinderState';

export type Section = keyof DashboardState;

/**
 * What the views read from the host's store. Declared here, not imported from
 * store.ts, so the store and its views do not import each other; HostStore
 * has every one of these.
 */
interface StoreState {
  readonly trusted: boolean;
  readonly model: { summary: ModelSummary; planModel: PlanModel; note: string | null } | null;
  readonly plan: FreezePlan | null;
  readonly hyper: Hyperparameters;
  readonly dataset: { dir: string; view: Omit<DatasetView, 'skippedFiles'> } | null;
  readonly suggestion: Suggestion | null;
  readonly run: RunView;
  readonly result: RunResult | null;
  readonly files: FileRegistry;
  readonly numClasses: number | null;
  readonly lrFinder: LrFinderState;
  readonly layerSignals: LayerSignals;
  readonly warnings: { view(): DashboardState['warnings'] };
}

function resultsView(store: StoreState): ResultsView | null {
  const r = store.result;
  if (!r) return null;
  return {
    labels: r.confusion.labels,
    matrix: r.confusion.matrix,
    perClass: r.perClass,
    valAccuracy: r.valAccuracy,
    valLoss: r.valLoss,
    bestEpoch: r.bestEpoch,
    stopReason: r.stopReason,
    modelLabel: r.modelDir,
  };
}

/** Files the page may list with a link: the first ones the scan could not use. */
const MAX_SKIPPED_LINKS = 200;

function datasetView(store: StoreState): DatasetView | null {
  const d = store.dataset;
  if (!d) return null;
  const skipped = d.view.health?.skipped ?? [];
  const skippedFiles = skipped.slice(0, MAX_SKIPPED_LINKS).map((s) => {
    // Only a path inside the dataset folder gets an id to open (a loose entry like `notes/` stays text).
    const abs = path.resolve(d.dir, s.file);
    const inside = abs.startsWith(path.resolve(d.dir) + path.sep) && !s.file.endsWith('/');
    return { id: inside ? store.files.idFor(abs) : '', file: s.file, reason: s.reason };
  });
  return { ...d.view, skippedFiles };
}

export function buildSection(store: StoreState, key: Section): DashboardState[Section] {
  const m = store.model;
  const plan = store.plan;
  switch (key) {
    case 'trusted':
      return store.trusted;
    case 'model':
      return m ? { name: m.summary.name, note: m.note, format: m.summary.format, totalParams: m.summary.totalParams, layerCount: m.summary.layers.length, inputShape: m.summary.inputShape, card: modelCardText(m.summary.labels) } : null;
    case 'layers':
      if (!m || !plan) return [];
      return m.summary.layers.map((l, id) => ({
        id,
        name: l.name,
        className: l.className,
        params: l.trainableParams + l.nonTrainableParams,
        hasWeights: m.planModel.selectable.has(id),
        trainable: plan.trainable.has(id),
        removed: id > plan.cut,
        depth: l.path.length,
      }));
    case 'plan':
      return m && plan ? planView(m.planModel, plan, store.numClasses) : null;
    case 'hyper':
      return store.hyper;
    case 'dataset':
      return datasetView(store);
    case 'run':
      return store.run;
    case 'results':
      return resultsView(store);
    case 'suggestion':
      return suggestionView(store.suggestion, store.hyper);
    case 'lrFinder':
      return store.lrFinder.view;
    case 'layerSignal':
      return store.layerSignals.view();
    case 'warnings':
      return store.warnings.view();
  }
}
