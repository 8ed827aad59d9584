// The LR finder's uPlot options: learning rate on a log-10 x axis, loss on
// the y axis (raw and smoothed), and a draw hook that marks the suggestion.
import type uPlot from 'uplot';
import { themeColor as chartColor } from '../dom';

/** `ceiling` caps the y axis so that a diverged tail does not flatten the curve. */
export function lrChartOptions(width: number, ceiling: number, mark: (u: uPlot) => void): uPlot.Options {
  const fg = chartColor('--vscode-foreground', '#ccc');
  const grid = chartColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const axis = (scale: string, side: 2 | 3, label: string, values?: uPlot.Axis['values']): uPlot.Axis => ({ scale, side, label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values });
  return {
    title: 'Loss against learning rate',
    width,
    height: 240,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false, distr: 3, log: 10 }, loss: { auto: true, range: (_u, min, max) => [min, Math.min(max, ceiling)] } },
    // The log axis marks, grids and labels its decades only (1e-7 … 1e1); uPlot would also mark 2…9 of each.
    axes: [
      {
        ...axis('x', 2, 'learning rate (log scale)', (_u, ticks) => ticks.map((t) => (t == null ? '' : `1e${Math.round(Math.log10(t))}`))),
        filter: decades,
        grid: { stroke: grid, width: 1, filter: decades },
        ticks: { stroke: grid, filter: decades },
      },
      axis('loss', 3, 'loss'),
    ],
    series: [
      { label: 'learning rate', value: (_u, v) => (v == null ? '–' : v.toExponential(1)) },
      { label: 'loss', scale: 'loss', stroke: chartColor('--vscode-charts-blue', '#3794ff'), width: 1, alpha: 0.6, points: { show: false } },
      { label: 'smoothed loss', scale: 'loss', stroke: chartColor('--vscode-charts-orange', '#d18616'), width: 2, points: { show: false } },
    ],
    hooks: { draw: [mark] },
  };
}

function decades(_u: uPlot, splits: number[]): (number | null)[] {
  return splits.map((t) => {
    const exp = Math.log10(t);
    return t > 0 && Math.abs(exp - Math.round(exp)) < 1e-9 ? t : null;
  });
}
