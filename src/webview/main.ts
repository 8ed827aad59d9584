// The dashboard page (browser, ESM). It renders the host's state and sends
// requests; it owns nothing but view state. On load it says `ready` and gets
// a snapshot, because a hidden panel's page is discarded and rebuilt.
import './base.css';
import './dashboard.css';
import type { DashboardState, HostToWebview } from '../shared/protocol/webview';
import { registerToolkit } from './toolkit';
import { byId, el } from './dom';
import { send } from './host';
import { ModelSection } from './sections/model';
import { PlanSection } from './sections/plan';
import { HyperSection } from './sections/hyper';
import { DatasetSection } from './sections/dataset';
import { RunSection } from './sections/run';
import { ActionBar } from './sections/actions';
import { ChartsSection } from './sections/charts';
import { ResultsSection } from './sections/results';
import { LrFinderSection } from './sections/lrFinder';
import { LayerStripSection } from './sections/layerStrip';
import { WarningsSection } from './sections/warnings';

registerToolkit();

const app = byId('app');
const actions = new ActionBar();
const model = new ModelSection();
const plan = new PlanSection();
const hyper = new HyperSection(() => state && actions.render(state, hyper.problem()));
const dataset = new DatasetSection();
const run = new RunSection(byId('status-line'));
const charts = new ChartsSection();
const results = new ResultsSection();
const lrFinder = new LrFinderSection();
const layerStrip = new LayerStripSection();
const warnings = new WarningsSection();
// The header is sticky: the action bar (Start, Stop, why Start is off) stays in view.
byId('top').append(actions.root);
app.append(
  el('div', { class: 'columns' }, el('div', { class: 'column' }, model.root, plan.root, dataset.root), el('div', { class: 'column' }, warnings.root, run.root, lrFinder.root, charts.root, layerStrip.root, hyper.root)),
  results.root,
);

let state: DashboardState | null = null;

function render(changed: Set<keyof DashboardState>): void {
  if (!state) return;
  const any = (...keys: (keyof DashboardState)[]) => keys.some((k) => changed.has(k));
  if (any('model', 'layers', 'plan', 'run')) model.render(state);
  if (any('plan', 'run')) plan.render(state);
  if (any('hyper', 'run', 'suggestion', 'dataset')) hyper.render(state);
  if (any('dataset')) dataset.render(state);
  if (any('run', 'model', 'dataset', 'trusted')) run.render(state);
  if (any('run', 'model', 'dataset', 'trusted', 'hyper', 'lrFinder')) actions.render(state, hyper.problem());
  if (any('lrFinder', 'run')) lrFinder.render(state.lrFinder, state.run.phase);
  if (any('layerSignal')) layerStrip.render(state.layerSignal);
  if (any('results')) results.render(state.results);
  if (any('warnings', 'run', 'model', 'dataset')) warnings.render(state);
  document.body.dataset.phase = state.run.phase;
}

const ALL = new Set<keyof DashboardState>(['trusted', 'model', 'layers', 'plan', 'hyper', 'dataset', 'run', 'results', 'suggestion', 'lrFinder', 'layerSignal', 'warnings']);

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as HostToWebview;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  switch (message.type) {
    case 'snapshot':
      state = message.state;
      render(ALL);
      charts.update(message.batches, message.epochs, true);
      document.body.dataset.ready = 'true';
      break;
    case 'patch':
      if (!state) return;
      state = { ...state, ...message.state };
      render(new Set(Object.keys(message.state) as (keyof DashboardState)[]));
      break;
    case 'metrics':
      charts.update(message.batches, message.epochs, message.reset);
      break;
    case 'cellFiles':
      results.showFiles(message.actual, message.predicted, message.files);
      break;
    case 'notice':
      actions.showNotice(message.level, message.message);
      break;
  }
});

send({ type: 'ready' });
