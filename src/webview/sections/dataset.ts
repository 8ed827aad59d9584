// Section: the dataset folder and its health report (class counts, problems
// that block training with how to fix them, unreadable files with a link to
// each, duplicates across splits, warnings). Every name here comes from the
// user's files and is inserted as text.
import type { DashboardState, DatasetView } from '../../shared/protocol/webview';
import type { HealthReport } from '../../shared/health';
import { clear, el, setText } from '../dom';
import { send } from '../host';

export class DatasetSection {
  readonly root = el('section', { id: 'dataset-section', class: 'card', 'aria-labelledby': 'dataset-heading' });
  private readonly path = el('p', { id: 'dataset-path', class: 'muted' });
  private readonly health = el('div', { id: 'health' });
  private lastHealth: HealthReport | null | undefined;

  constructor() {
    const choose = el('vscode-button', { id: 'choose-dataset', appearance: 'secondary' }, 'Choose Dataset Folder…');
    choose.addEventListener('click', () => send({ type: 'chooseDataset' }));
    this.root.append(el('h2', { id: 'dataset-heading' }, 'Dataset'), this.path, el('div', { class: 'row' }, choose), this.health);
  }

  render(state: DashboardState): void {
    const d = state.dataset;
    if (!d) {
      setText(this.path, 'No dataset chosen. Right-click a folder of class sub-folders in the Explorer, or choose one here.');
      clear(this.health);
      this.lastHealth = undefined;
      return;
    }
    setText(this.path, d.scanning ? `${d.path} (scanning…)` : d.path);
    if (d.error) {
      clear(this.health);
      this.health.append(el('p', { class: 'error', id: 'dataset-error' }, d.error));
      this.lastHealth = undefined;
      return;
    }
    if (d.health === this.lastHealth) return;
    this.lastHealth = d.health;
    clear(this.health);
    if (d.health) this.health.append(...renderHealth(d.health, d.skippedFiles));
  }
}

function renderHealth(h: HealthReport, skippedFiles: DatasetView['skippedFiles']): HTMLElement[] {
  const total = (c: HealthReport['classes'][number]) => c.train + c.validation + c.test;
  const num = (n: number, label: string) => el('td', { class: `num${n === 0 && label !== 'Test' ? ' zero' : ''}` }, String(n));
  const rows = h.classes.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.name), num(c.train, 'Train'), num(c.validation, 'Validation'), num(c.test, 'Test'), num(total(c), 'Total')));
  const out: HTMLElement[] = [
    el('p', { id: 'health-summary' }, `${h.classes.length} classes · ${h.classes.reduce((n, c) => n + total(c), 0)} images · layout: ${h.layout === 'splitFolders' ? 'train/validation folders' : 'class folders'} · imbalance ×${h.imbalanceRatio.toFixed(2)}`),
  ];
  // What blocks Start comes first, where the user looks, each with its fix.
  if (h.errors.length > 0) {
    out.push(el('div', { id: 'health-errors', class: 'health-errors' }, el('h3', {}, 'Cannot train on this dataset yet'), el('ul', {}, ...h.errors.map((e) => el('li', {}, e)))));
  }
  out.push(
    el(
      'table',
      { class: 'data', id: 'class-counts' },
      el('caption', {}, 'Images per class and split'),
      el('thead', {}, el('tr', {}, ...['Class', 'Train', 'Validation', 'Test', 'Total'].map((t) => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, ...rows),
    ),
  );
  const warnings = h.warnings.filter((w) => !/file\(s\) skipped/.test(w));
  if (warnings.length > 0) out.push(el('ul', { class: 'warnings', id: 'health-warnings' }, ...warnings.map((w) => el('li', {}, w))));
  if (h.skipped.length > 0) out.push(skippedList(h.skipped.length, skippedFiles));
  return out;
}

/** Every file the scan could not use, with its reason and a link that opens it (by host-issued id). */
function skippedList(count: number, files: DatasetView['skippedFiles']): HTMLElement {
  const items = files.map((f) => {
    if (!f.id) return el('li', {}, `${f.file}: ${f.reason}`);
    const link = el('a', { href: '#', 'data-file': f.id }, f.file);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      send({ type: 'openFile', fileId: f.id });
    });
    return el('li', {}, link, `: ${f.reason}`);
  });
  const more = count > files.length ? [el('li', { class: 'muted' }, `and ${count - files.length} more`)] : [];
  return el('div', { id: 'skipped-files' }, el('h3', {}, `${count} file${count === 1 ? '' : 's'} skipped (not used for training)`), el('ul', { class: 'skipped file-list' }, ...items, ...more));
}
