// Section: live charts with uPlot. Loss and accuracy per batch, and per epoch
// with train against validation. The page holds the points it was sent (the
// snapshot's full history plus later deltas); the host holds the truth.
// A canvas says nothing to a screen reader: each chart is an image with a
// name, described by a summary line that follows the latest point, and the
// per-epoch table below holds every value.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BatchPoint, EpochPoint } from '../../shared/protocol/webview';
import { clear, el, percent, setText, themeColor as color } from '../dom';

/** uPlot draws gaps for null; NaN or Infinity from a diverging run become gaps too. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function options(title: string, xLabel: string, series: { label: string; scale: 'loss' | 'acc'; stroke: string; dash?: number[] }[], width: number): uPlot.Options {
  const fg = color('--vscode-foreground', '#ccc');
  const grid = color('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const axis = (scale: string, side: 0 | 1 | 2 | 3, label: string): uPlot.Axis => ({ scale, side, label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } });
  return {
    title,
    width,
    height: 220,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, loss: { auto: true }, acc: { range: [0, 1] } },
    axes: [axis('x', 2, xLabel), axis('loss', 3, 'loss'), { ...axis('acc', 1, 'accuracy'), grid: { show: false } }],
    series: [{ label: xLabel }, ...series.map((s) => ({ label: s.label, scale: s.scale, stroke: s.stroke, width: 1.5, dash: s.dash, spanGaps: false, points: { show: false } }))],
  };
}

export class ChartsSection {
  readonly root = el('section', { id: 'charts-section', class: 'card', 'aria-labelledby': 'charts-heading' });
  private readonly batchBox = el('div', { id: 'batch-chart', class: 'chart', role: 'img', 'aria-label': 'Chart: training loss and accuracy per batch', 'aria-describedby': 'batch-chart-summary' });
  private readonly epochBox = el('div', { id: 'epoch-chart', class: 'chart', role: 'img', 'aria-label': 'Chart: loss and accuracy per epoch, training against validation', 'aria-describedby': 'epoch-chart-summary' });
  private readonly batchSummary = el('p', { id: 'batch-chart-summary', class: 'chart-summary' });
  private readonly epochSummary = el('p', { id: 'epoch-chart-summary', class: 'chart-summary' });
  private readonly epochTable = el('tbody', { id: 'epoch-rows' });
  private batchChart: uPlot | null = null;
  private epochChart: uPlot | null = null;
  private batches: BatchPoint[] = [];
  private epochs: EpochPoint[] = [];
  private pendingDraw = false;

  constructor() {
    this.root.append(
      el('h2', { id: 'charts-heading' }, 'Live metrics'),
      this.batchBox,
      this.batchSummary,
      this.epochBox,
      this.epochSummary,
      el(
        'details',
        { id: 'epoch-details' },
        el('summary', {}, 'Epochs (table)'),
        el(
          'table',
          { class: 'data', id: 'epoch-table' },
          el('caption', {}, 'Loss and accuracy per epoch'),
          el('thead', {}, el('tr', {}, ...['Epoch', 'Loss', 'Accuracy', 'Val loss', 'Val accuracy'].map((h) => el('th', { scope: 'col' }, h)))),
          this.epochTable,
        ),
      ),
    );
    new ResizeObserver(() => this.resize()).observe(this.root);
  }

  private width(): number {
    return Math.max(280, this.root.clientWidth - 24);
  }

  private ensureCharts(): void {
    if (this.batchChart && this.epochChart) return;
    const blue = color('--vscode-charts-blue', '#3794ff');
    const orange = color('--vscode-charts-orange', '#d18616');
    const green = color('--vscode-charts-green', '#89d185');
    const purple = color('--vscode-charts-purple', '#b180d7');
    const w = this.width();
    this.batchChart = new uPlot(
      options('Per batch', 'batch', [{ label: 'loss', scale: 'loss', stroke: blue }, { label: 'accuracy', scale: 'acc', stroke: green }], w),
      [[], [], []],
      this.batchBox,
    );
    this.epochChart = new uPlot(
      options('Per epoch: train vs validation', 'epoch', [
        { label: 'loss', scale: 'loss', stroke: blue },
        { label: 'val loss', scale: 'loss', stroke: orange, dash: [6, 3] },
        { label: 'accuracy', scale: 'acc', stroke: green },
        { label: 'val accuracy', scale: 'acc', stroke: purple, dash: [6, 3] },
      ], w),
      [[], [], [], [], []],
      this.epochBox,
    );
  }

  private resize(): void {
    const w = this.width();
    this.batchChart?.setSize({ width: w, height: 220 });
    this.epochChart?.setSize({ width: w, height: 220 });
  }

  /** Replaces the history (snapshot) or appends to it (delta). */
  update(batches: BatchPoint[], epochs: EpochPoint[], reset: boolean): void {
    if (reset) {
      this.batches = [];
      this.epochs = [];
      clear(this.epochTable);
    }
    this.batches.push(...batches);
    for (const e of epochs) {
      // A resumed run may resend an epoch; keep one row per epoch.
      const at = this.epochs.findIndex((x) => x.epoch === e.epoch);
      if (at >= 0) this.epochs[at] = e;
      else this.epochs.push(e);
    }
    if (epochs.length > 0 || reset) this.renderTable();
    this.summarize();
    this.root.dataset.batches = String(this.batches.length);
    this.root.dataset.epochs = String(this.epochs.length);
    this.scheduleDraw();
  }

  /** The charts' text alternative: the latest point of each, in words. */
  private summarize(): void {
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
    const b = this.batches[this.batches.length - 1];
    setText(this.batchSummary, b ? `Latest batch (${b.step}, epoch ${b.epoch}): loss ${f(b.loss)}, accuracy ${percent(b.accuracy)}.` : 'No batches yet.');
    const e = this.epochs[this.epochs.length - 1];
    setText(
      this.epochSummary,
      e
        ? `After epoch ${e.epoch}: loss ${f(e.loss)} (validation ${f(e.valLoss)}), accuracy ${percent(e.accuracy)} (validation ${percent(e.valAccuracy)}). Every epoch is in the Epochs table.`
        : 'No epochs yet.',
    );
  }

  private renderTable(): void {
    clear(this.epochTable);
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
    for (const e of this.epochs) {
      this.epochTable.append(el('tr', { 'data-epoch': e.epoch }, el('th', { scope: 'row' }, String(e.epoch)), el('td', {}, f(e.loss)), el('td', {}, f(e.accuracy)), el('td', {}, f(e.valLoss)), el('td', {}, f(e.valAccuracy))));
    }
  }

  private scheduleDraw(): void {
    if (this.pendingDraw) return;
    this.pendingDraw = true;
    requestAnimationFrame(() => {
      this.pendingDraw = false;
      this.draw();
    });
  }

  private draw(): void {
    this.ensureCharts();
    const b = this.batches;
    this.batchChart!.setData([b.map((p) => p.step), b.map((p) => finite(p.loss)), b.map((p) => finite(p.accuracy))] as uPlot.AlignedData);
    const e = this.epochs;
    this.epochChart!.setData([e.map((p) => p.epoch), e.map((p) => finite(p.loss)), e.map((p) => finite(p.valLoss)), e.map((p) => finite(p.accuracy)), e.map((p) => finite(p.valAccuracy))] as uPlot.AlignedData);
  }
}
