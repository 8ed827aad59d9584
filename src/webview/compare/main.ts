// The comparison page (browser, ESM): scatter of accuracy against a chosen
// cost with the Pareto front, the sortable table, the overlaid validation
// curves and the settings that differ. It renders the host's state and sends
// only `ready` and `openRun` with a host-issued point id.
import '../base.css';
import './compare.css';
import { COST_AXES, HostToCompareSchema, type CompareState, type CostAxis } from '../../shared/protocol/compare';
import { byId, clear, el } from '../dom';
import { AXIS_LABELS } from './axes';
import { Curves } from './curves';
import { saveViewState, send, viewState } from './host';
import { Scatter } from './scatter';
import { ResultsTable, configTable } from './tables';

const app = byId('app');
const scatter = new Scatter();
const curves = new Curves();
const table = new ResultsTable();
let state: CompareState | null = null;

function axisPicker(current: CostAxis): HTMLElement {
  const select = el('select', { id: 'axis', 'aria-label': 'Cost axis' });
  for (const axis of COST_AXES) select.append(el('option', { value: axis, selected: axis === current }, AXIS_LABELS[axis]));
  select.addEventListener('change', () => {
    const axis = select.value as CostAxis;
    saveViewState({ axis });
    if (state) scatter.render(state.points, axis);
  });
  return el('label', { class: 'row' }, 'Cost axis: ', select);
}

function render(s: CompareState): void {
  const axis = viewState().axis ?? 'trainingMs';
  clear(app);
  const recommended = s.points.find((p) => p.recommended);
  app.append(
    el('header', { class: 'top' }, el('h1', {}, s.title), el('p', { class: 'status-line' }, `${s.points.length} ${s.kind === 'sweep' ? 'candidates' : 'runs'}${recommended ? ` · recommended: ${recommended.label} (${recommended.detail})` : ''} · click a point to open its run`)),
    el('section', { class: 'card' }, el('h2', {}, 'Accuracy against cost'), axisPicker(axis), scatter.root),
    el('section', { class: 'card' }, el('h2', {}, 'Results'), table.root),
    el('section', { class: 'card' }, el('h2', {}, 'Validation curves'), curves.root),
    el('section', { class: 'card' }, el('h2', {}, 'Settings'), el('p', { class: 'muted' }, 'Highlighted rows differ between the runs.'), configTable(s)),
  );
  table.render(s.points);
  scatter.render(s.points, axis);
  curves.render(s.points);
  document.body.dataset.ready = 'true';
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = HostToCompareSchema.safeParse(event.data);
  if (!parsed.success) return; // only the host posts here; anything else is ignored
  state = parsed.data.state;
  render(state);
});

send({ type: 'ready' });
