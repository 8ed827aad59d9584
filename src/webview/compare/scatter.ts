// Accuracy against a chosen cost, with the Pareto front drawn (uPlot), and
// every point a real button laid over the chart: clickable, focusable,
// labelled, and countable by tests. A point without that cost is not drawn
// (the table still lists it).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ComparePoint, CostAxis } from '../../shared/protocol/compare';
import { paretoFront } from '../../shared/pareto';
import { clear, el } from '../dom';
import { AXIS_LABELS, accuracyText, costText } from './axes';
import { send } from './host';

function color(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export class Scatter {
  readonly root = el('div', { id: 'scatter', class: 'chart scatter' });
  private chart: uPlot | null = null;
  private points: ComparePoint[] = [];
  private axis: CostAxis = 'trainingMs';
  private readonly buttons = el('div', { class: 'point-layer' });

  constructor() {
    new ResizeObserver(() => this.chart?.setSize({ width: this.width(), height: 320 })).observe(this.root);
  }

  private width(): number {
    return Math.max(320, this.root.clientWidth - 8);
  }

  render(points: ComparePoint[], axis: CostAxis): void {
    this.axis = axis;
    this.points = points
      .filter((p) => p.valAccuracy !== null && p.costs[axis] !== null)
      .sort((a, b) => (a.costs[axis] as number) - (b.costs[axis] as number));
    const front = new Set(paretoFront(this.points.map((p) => ({ id: p.id, accuracy: p.valAccuracy as number, cost: p.costs[axis] as number }))).map((p) => p.id));
    const xs = this.points.map((p) => p.costs[axis] as number);
    const ys = this.points.map((p) => p.valAccuracy);
    const fy = this.points.map((p) => (front.has(p.id) ? p.valAccuracy : null));
    this.chart?.destroy();
    clear(this.root);
    const fg = color('--vscode-foreground', '#ccc');
    const grid = color('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const axisOf = (scale: string, side: 2 | 3, label: string, values?: uPlot.Axis['values']): uPlot.Axis => ({ scale, side, label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values });
    this.chart = new uPlot(
      {
        width: this.width(),
        height: 320,
        cursor: { show: false },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.max(0, Math.min(min, 1) - 0.05), Math.min(1, max + 0.05)] } },
        axes: [axisOf('x', 2, AXIS_LABELS[axis], (_u, ticks) => ticks.map((t) => costText(axis, t))), axisOf('y', 3, 'validation accuracy')],
        series: [
          {},
          { label: 'candidates', stroke: color('--vscode-charts-blue', '#3794ff'), paths: () => null, points: { show: true, size: 9, fill: color('--vscode-charts-blue', '#3794ff') } },
          { label: 'Pareto front', stroke: color('--vscode-charts-orange', '#d18616'), width: 2, spanGaps: true, points: { show: false } },
        ],
        hooks: { draw: [(u) => this.placeButtons(u)] },
      },
      [xs, ys, fy] as uPlot.AlignedData,
      this.root,
    );
    this.chart.over.append(this.buttons);
    this.root.dataset.points = String(this.points.length);
    this.root.dataset.front = String(front.size);
    this.root.dataset.axis = axis;
    this.buttons.replaceChildren(
      ...this.points.map((p) =>
        el('button', {
          class: `point${front.has(p.id) ? ' on-front' : ''}${p.recommended ? ' recommended' : ''}`,
          'data-point': p.id,
          title: `${p.label}: ${p.detail}\nval acc ${accuracyText(p)} · ${AXIS_LABELS[axis].toLowerCase()} ${costText(axis, p.costs[axis])}${p.recommended ? '\nrecommended' : ''}\nClick to open this run`,
          'aria-label': `${p.label}, ${p.detail}, validation accuracy ${accuracyText(p)}; open its run`,
        }),
      ),
    );
    for (const button of this.buttons.querySelectorAll<HTMLButtonElement>('button.point')) {
      button.addEventListener('click', () => send({ type: 'openRun', id: button.dataset.point as string }));
    }
    this.placeButtons(this.chart);
  }

  /** Puts each point's button over its dot, after every redraw (resize included). */
  private placeButtons(u: uPlot): void {
    const buttons = this.buttons.querySelectorAll<HTMLButtonElement>('button.point');
    this.points.forEach((p, i) => {
      const b = buttons[i];
      if (!b) return;
      b.style.left = `${u.valToPos(p.costs[this.axis] as number, 'x')}px`;
      b.style.top = `${u.valToPos(p.valAccuracy as number, 'y')}px`;
    });
  }
}
