// Section: results of a finished run. A confusion-matrix heatmap (click a cell
// to list its files, click a file to open it by its host-issued id) and a
// per-class precision / recall / F1 table.
import type { ResultsView } from '../../shared/protocol/webview';
import { clear, el, percent, setText } from '../dom';
import { send } from '../host';

export class ResultsSection {
  readonly root = el('section', { id: 'results-section', class: 'card', hidden: true });
  private readonly summary = el('p', { id: 'results-summary' });
  private readonly matrix = el('div', { id: 'confusion' });
  private readonly perClass = el('div', { id: 'per-class' });
  private readonly files = el('div', { id: 'cell-files' });
  private last: ResultsView | null = null;

  constructor() {
    this.root.append(el('h2', {}, 'Results'), this.summary, el('h3', {}, 'Confusion matrix (rows: actual, columns: predicted)'), this.matrix, this.files, el('h3', {}, 'Per class'), this.perClass);
  }

  render(results: ResultsView | null): void {
    if (results === this.last) return;
    this.last = results;
    this.root.hidden = results === null;
    clear(this.matrix);
    clear(this.perClass);
    clear(this.files);
    if (!results) return;
    setText(this.summary, `Validation accuracy ${percent(results.valAccuracy)} · loss ${results.valLoss.toFixed(4)} · best epoch ${results.bestEpoch} · ${results.stopReason} · model: ${results.modelLabel}`);
    this.matrix.append(heatmap(results));
    this.perClass.append(
      el(
        'table',
        { class: 'data', id: 'per-class-table' },
        el('thead', {}, el('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support'].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...results.perClass.map((c) => el('tr', {}, el('td', {}, c.label), el('td', { class: 'num' }, percent(c.precision)), el('td', { class: 'num' }, percent(c.recall)), el('td', { class: 'num' }, percent(c.f1)), el('td', { class: 'num' }, String(c.support))))),
      ),
    );
  }

  /** The host's answer to a cell click. */
  showFiles(actual: number, predicted: number, files: { id: string; name: string }[]): void {
    clear(this.files);
    const labels = this.last?.labels ?? [];
    this.files.append(el('h4', {}, `Actual ${labels[actual] ?? actual}, predicted ${labels[predicted] ?? predicted}: ${files.length} file(s)`));
    const list = el('ul', { class: 'file-list' });
    for (const f of files) {
      const link = el('a', { href: '#', 'data-file': f.id }, f.name);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        send({ type: 'openFile', fileId: f.id });
      });
      list.append(el('li', {}, link));
    }
    this.files.append(list);
  }
}

function heatmap(r: ResultsView): HTMLElement {
  const rowTotals = r.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const head = el('tr', {}, el('th', {}, ''), ...r.labels.map((l) => el('th', { scope: 'col' }, l)));
  const rows = r.matrix.map((row, actual) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, r.labels[actual] ?? String(actual)),
      ...row.map((count, predicted) => {
        const share = rowTotals[actual] > 0 ? count / rowTotals[actual] : 0;
        const cell = el('td', { class: `cell${actual === predicted ? ' diag' : ''}`, 'data-actual': actual, 'data-predicted': predicted, tabindex: 0, title: `${count} of ${rowTotals[actual]}` }, String(count));
        // Colour by the row share; CSSOM style writes are allowed by the CSP.
        cell.style.setProperty('--share', share.toFixed(3));
        const open = () => send({ type: 'showCell', actual, predicted });
        cell.addEventListener('click', open);
        cell.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && open());
        return cell;
      }),
    ),
  );
  return el('table', { class: 'heatmap', id: 'confusion-table' }, el('thead', {}, head), el('tbody', {}, ...rows));
}
