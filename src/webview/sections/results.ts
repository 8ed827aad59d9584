// Section: results of a finished run. A confusion-matrix heatmap (click a cell
// to list its files, click a file to open it by its host-issued id) and a
// per-class precision / recall / F1 table.
import type { ResultsView } from '../../shared/protocol/webview';
import { clear, el, percent, setText } from '../dom';
import { send } from '../host';

export class ResultsSection {
  readonly root = el('section', { id: 'results-section', class: 'card', hidden: true, 'aria-labelledby': 'results-heading' });
  private readonly summary = el('p', { id: 'results-summary' });
  private readonly matrix = el('div', { id: 'confusion' });
  private readonly perClass = el('div', { id: 'per-class' });
  private readonly files = el('div', { id: 'cell-files' });
  private last: ResultsView | null = null;

  constructor() {
    this.root.append(el('h2', { id: 'results-heading' }, 'Results'), this.summary, el('h3', {}, 'Confusion matrix'), this.matrix, this.files, el('h3', {}, 'Per class'), this.perClass);
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
        el('caption', {}, 'Precision, recall and F1 per class on the validation images'),
        el('thead', {}, el('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ...results.perClass.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.label), el('td', { class: 'num' }, percent(c.precision)), el('td', { class: 'num' }, percent(c.recall)), el('td', { class: 'num' }, percent(c.f1)), el('td', { class: 'num' }, String(c.support))))),
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

/**
 * The confusion matrix as a real table: a caption, header cells for actual
 * (rows) and predicted (columns), and a button in each cell that lists its
 * files. One tab stop for the whole grid: the arrow keys move between cells
 * (a roving tabindex), Enter or Space opens one.
 */
function heatmap(r: ResultsView): HTMLElement {
  const rowTotals = r.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const label = (i: number) => r.labels[i] ?? String(i);
  const head = el('tr', {}, el('td', { class: 'corner' }, 'actual ↓ predicted →'), ...r.labels.map((l) => el('th', { scope: 'col' }, l)));
  const buttons: HTMLButtonElement[][] = [];
  const rows = r.matrix.map((row, actual) => {
    buttons[actual] = [];
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, label(actual)),
      ...row.map((count, predicted) => {
        const share = rowTotals[actual] > 0 ? count / rowTotals[actual] : 0;
        const button = el(
          'button',
          { type: 'button', class: 'cell-button', tabindex: actual === 0 && predicted === 0 ? 0 : -1, 'aria-label': `Actual ${label(actual)}, predicted ${label(predicted)}: ${count} of ${rowTotals[actual]} images. Show them.` },
          String(count),
        );
        button.addEventListener('click', () => send({ type: 'showCell', actual, predicted }));
        button.addEventListener('keydown', (e) => move(e, buttons, actual, predicted));
        buttons[actual].push(button);
        const cell = el('td', { class: `cell${actual === predicted ? ' diag' : ''}`, 'data-actual': actual, 'data-predicted': predicted, title: `${count} of ${rowTotals[actual]}` }, button);
        // Colour by the row share; CSSOM style writes are allowed by the CSP.
        cell.style.setProperty('--share', share.toFixed(3));
        return cell;
      }),
    );
  });
  return el(
    'table',
    { class: 'heatmap', id: 'confusion-table' },
    el('caption', {}, 'Confusion matrix on the validation images: rows are the actual class, columns the predicted class. Arrow keys move between cells; Enter lists a cell’s images.'),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

const STEPS: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/** Roving tabindex: the focused cell is the only one in the tab order. */
function move(e: KeyboardEvent, grid: HTMLButtonElement[][], row: number, col: number): void {
  let next: HTMLButtonElement | undefined;
  const step = STEPS[e.key];
  if (step) next = grid[row + step[0]]?.[col + step[1]];
  else if (e.key === 'Home') next = grid[row][0];
  else if (e.key === 'End') next = grid[row][grid[row].length - 1];
  if (!next) return;
  e.preventDefault();
  grid[row][col].tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}
