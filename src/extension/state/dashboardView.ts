// The dashboard's view of the host store, one section at a time: patches
// send only what changed, so each section is built on demand. Paths stay on
// the host; the page gets names, counts and host-issued ids.
import type { DashboardState, DatasetView, ResultsView } from '../../shared/protocol/webview';
import * as path from 'node:path';
import { suggestionView } from './suggestions';
import { planView } from './freezePlan';
import { modelCardText } from '../../shared/modelCard';
import type { HostStore, Section } from './store';

function resultsView(store: HostStore): ResultsView | null {
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

function datasetView(store: HostStore): DatasetView | null {
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

export function buildSection(store: HostStore, key: Section): DashboardState[Section] {
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
  }
}
