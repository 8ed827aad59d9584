// Section: the dataset folder and its health report (class counts, skipped
// files, duplicates across splits, warnings). Every name here comes from
// the user's files and is inserted as text.
import type { DashboardState } from '../../shared/protocol/webview';
import type { HealthReport } from '../../shared/health';
import { clear, el, setText } from '../dom';
import { send } from '../host';

export class DatasetSection {
  readonly root = el('section', { id: 'dataset-section', class: 'card' });
  private readonly path = el('p', { id: 'dataset-path', class: 'muted' });
  private readonly health = el('div', { id: 'health' });
  private lastHealth: HealthReport | null | undefined;

  constructor() {
    const choose = el('vscode-button', { id: 'choose-dataset', appearance: 'secondary' }, 'Choose Dataset Folder…');
    choose.addEventListener('click', () => send({ type: 'chooseDataset' }));
    this.root.append(el('h2', {}, 'Dataset'), this.path, el('div', { class: 'row' }, choose), this.health);
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
      this.health.append(el('p', { class: 'error' }, d.error));
      this.lastHealth = undefined;
      return;
    }
    if (d.health === this.lastHealth) return;
    this.lastHealth = d.health;
    clear(this.health);
    if (d.health) this.health.append(...renderHealth(d.health));
  }
}

function renderHealth(h: HealthReport): HTMLElement[] {
  const total = (c: HealthReport['classes'][number]) => c.train + c.validation + c.test;
  const rows = h.classes.map((c) =>
    el('tr', {}, el('td', {}, c.name), el('td', { class: 'num' }, String(c.train)), el('td', { class: 'num' }, String(c.validation)), el('td', { class: 'num' }, String(c.test)), el('td', { class: 'num' }, String(total(c)))),
  );
  const out: HTMLElement[] = [
    el('p', { id: 'health-summary' }, `${h.classes.length} classes · ${h.classes.reduce((n, c) => n + total(c), 0)} images · layout: ${h.layout === 'splitFolders' ? 'train/validation folders' : 'class folders'} · imbalance ×${h.imbalanceRatio.toFixed(2)}`),
    el('table', { class: 'data', id: 'class-counts' }, el('thead', {}, el('tr', {}, el('th', {}, 'Class'), el('th', {}, 'Train'), el('th', {}, 'Validation'), el('th', {}, 'Test'), el('th', {}, 'Total'))), el('tbody', {}, ...rows)),
  ];
  const warnings = [...h.warnings];
  if (h.skipped.length > 0) warnings.push(`${h.skipped.length} file(s) skipped`);
  if (warnings.length > 0) out.push(el('ul', { class: 'warnings', id: 'health-warnings' }, ...warnings.map((w) => el('li', {}, w))));
  if (h.skipped.length > 0) {
    const list = el('ul', { class: 'skipped' }, ...h.skipped.slice(0, 50).map((s) => el('li', {}, `${s.file}: ${s.reason}`)));
    out.push(el('details', {}, el('summary', {}, `Skipped files (${h.skipped.length})`), list));
  }
  return out;
}
