// The sortable results table (click a header; again to reverse) and the
// settings table with the rows that differ between points highlighted.
import type { CompareState, ComparePoint } from '../../shared/protocol/compare';
import { clear, el } from '../dom';
import { accuracyText, costText } from './axes';
import { saveViewState, send, viewState } from './host';

interface Column {
  key: string;
  title: string;
  value: (p: ComparePoint) => number | string | null;
  text: (p: ComparePoint) => string;
  numeric: boolean;
}

const COLUMNS: Column[] = [
  { key: 'label', title: 'Run', value: (p) => p.label, text: (p) => `${p.label}${p.recommended ? ' ★' : ''}`, numeric: false },
  { key: 'detail', title: 'Cut and plan', value: (p) => p.detail, text: (p) => p.detail, numeric: false },
  { key: 'acc', title: 'Val accuracy', value: (p) => p.valAccuracy, text: accuracyText, numeric: true },
  { key: 'trainingMs', title: 'Training', value: (p) => p.costs.trainingMs, text: (p) => costText('trainingMs', p.costs.trainingMs), numeric: true },
  { key: 'inferenceMs', title: 'Inference / image', value: (p) => p.costs.inferenceMs, text: (p) => costText('inferenceMs', p.costs.inferenceMs), numeric: true },
  { key: 'trainableParams', title: 'Trainable params', value: (p) => p.costs.trainableParams, text: (p) => costText('trainableParams', p.costs.trainableParams), numeric: true },
  { key: 'modelBytes', title: 'Model size', value: (p) => p.costs.modelBytes, text: (p) => costText('modelBytes', p.costs.modelBytes), numeric: true },
];

/** Missing values sort last whichever the direction. */
function compare(a: number | string | null, b: number | string | null, descending: boolean): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return descending ? -order : order;
}

export class ResultsTable {
  readonly root = el('table', { id: 'results-table', class: 'data sortable' });
  private points: ComparePoint[] = [];

  render(points: ComparePoint[]): void {
    this.points = points;
    const sort = viewState().sort ?? { column: 'acc', descending: true };
    const column = COLUMNS.find((c) => c.key === sort.column) ?? COLUMNS[2];
    const rows = [...points].sort((a, b) => compare(column.value(a), column.value(b), sort.descending));
    clear(this.root);
    const head = el('tr', {});
    for (const c of COLUMNS) {
      const th = el('th', { scope: 'col', 'aria-sort': c === column ? (sort.descending ? 'descending' : 'ascending') : 'none' });
      const button = el('button', { class: 'sort', 'data-column': c.key }, c.title, c === column ? (sort.descending ? ' ▼' : ' ▲') : '');
      button.addEventListener('click', () => {
        saveViewState({ sort: { column: c.key, descending: c === column ? !sort.descending : c.numeric } });
        this.render(this.points);
      });
      th.append(button);
      head.append(th);
    }
    const body = el('tbody', {});
    for (const p of rows) {
      const open = el('button', { class: 'open', 'data-open': p.id, title: 'Open this run' }, 'Open');
      open.addEventListener('click', () => send({ type: 'openRun', id: p.id }));
      body.append(el('tr', { 'data-point': p.id, class: p.recommended ? 'recommended' : undefined }, ...COLUMNS.map((c) => el('td', { class: c.numeric ? 'num' : undefined }, c.text(p))), el('td', {}, open)));
    }
    this.root.append(el('thead', {}, head), body);
  }
}

export function configTable(state: CompareState): HTMLElement {
  const table = el('table', { id: 'config-table', class: 'data' });
  table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Setting'), ...state.points.map((p) => el('th', { scope: 'col' }, p.label)))));
  const body = el('tbody', {});
  for (const row of state.config) {
    body.append(el('tr', { class: row.differs ? 'differs' : undefined, 'data-key': row.key }, el('th', { scope: 'row' }, row.key), ...row.values.map((v) => el('td', {}, v))));
  }
  table.append(body);
  return table;
}
