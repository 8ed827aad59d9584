// Validation accuracy per epoch, one line per point, overlaid (uPlot).
import uPlot from 'uplot';
import type { ComparePoint } from '../../shared/protocol/compare';
import { clear, el } from '../dom';

const PALETTE = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

function color(i: number): string {
  const fallback = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i % PALETTE.length];
  return getComputedStyle(document.body).getPropertyValue(`--vscode-charts-${PALETTE[i % PALETTE.length]}`).trim() || fallback;
}

export class Curves {
  readonly root = el('div', { id: 'curves', class: 'chart' });
  private chart: uPlot | null = null;

  constructor() {
    new ResizeObserver(() => this.chart?.setSize({ width: this.width(), height: 260 })).observe(this.root);
  }

  private width(): number {
    return Math.max(320, this.root.clientWidth - 8);
  }

  render(points: ComparePoint[]): void {
    this.chart?.destroy();
    clear(this.root);
    const epochs = Math.max(0, ...points.flatMap((p) => p.curve.map((c) => c.epoch)));
    const xs = Array.from({ length: epochs }, (_, i) => i + 1);
    const data = [xs, ...points.map((p) => xs.map((e) => p.curve.find((c) => c.epoch === e)?.valAccuracy ?? null))];
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
    this.chart = new uPlot(
      {
        title: 'Validation accuracy per epoch',
        width: this.width(),
        height: 260,
        scales: { x: { time: false }, y: { range: [0, 1] } },
        axes: [{ label: 'epoch', stroke: fg }, { label: 'validation accuracy', stroke: fg }],
        series: [{ label: 'epoch' }, ...points.map((p, i) => ({ label: p.label, stroke: color(i), width: 1.5, spanGaps: false }))],
      },
      data as uPlot.AlignedData,
      this.root,
    );
    this.root.dataset.series = String(points.length);
  }
}
