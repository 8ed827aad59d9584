// Section: the LR finder. While it sweeps, its progress; then loss against
// learning rate on a log axis (uPlot), raw and smoothed, the suggested rate
// marked, the rule that picked it, and one button that applies it. A loss
// that diverges is how a sweep is meant to end, so it is said plainly, not as
// an error. The host holds the result; this page only draws it.
import uPlot from 'uplot';
import type { LrFinderView, RunPhase } from '../../shared/protocol/webview';
import type { LrFindResult } from '../../shared/lrFind';
import { shortExp, shownRate } from '../../shared/format';
import { el, setText, themeColor } from '../dom';
import { send } from '../host';
import { lrChartOptions } from './lrChart';

export class LrFinderSection {
  readonly root = el('section', { id: 'lr-finder-section', class: 'card', 'aria-labelledby': 'lr-heading', hidden: true });
  // Not a live region: it follows decode and feature progress; the rule line below says the result once.
  private readonly status = el('p', { id: 'lr-status', class: 'status' });
  private readonly box = el('div', { id: 'lr-chart', class: 'chart', role: 'img', 'aria-label': 'Chart: training loss against learning rate, log scale, raw and smoothed, with the suggested rate marked', 'aria-describedby': 'lr-summary' });
  private readonly summary = el('p', { id: 'lr-summary', class: 'chart-summary' });
  private readonly rule = el('p', { id: 'lr-rule', class: 'muted', role: 'status' });
  private readonly use = el('vscode-button', { id: 'lr-use', hidden: true });
  private chart: uPlot | null = null;
  private drawn: LrFindResult | null = null;
  private suggested: number | null = null;

  constructor() {
    this.use.addEventListener('click', () => {
      if (this.suggested !== null) send({ type: 'useLrSuggestion', learningRate: this.suggested });
    });
    this.root.append(el('h2', { id: 'lr-heading' }, 'Learning-rate finder'), this.status, this.box, this.summary, this.rule, this.use);
    new ResizeObserver(() => this.chart?.setSize({ width: this.width(), height: 240 })).observe(this.root);
  }

  private width(): number {
    return Math.max(280, this.root.clientWidth - 24);
  }

  render(view: LrFinderView | null, runPhase: RunPhase): void {
    this.root.hidden = view === null;
    this.root.dataset.phase = view?.phase ?? 'none';
    if (!view) return;
    const stage = view.stage && `${view.stage.name === 'features' ? 'Extracting features' : 'Decoding images'} ${view.stage.done}/${view.stage.total}`;
    setText(this.status, stage ?? view.message ?? '');
    this.status.classList.toggle('error', view.phase === 'failed');
    const result = view.result;
    this.box.hidden = result === null;
    if (result !== this.drawn) this.draw(result);
    const s = result?.suggestion ?? null;
    this.suggested = s ? shownRate(s.lr) : null;
    this.use.hidden = s === null;
    setText(this.use, s ? `Use ${shortExp(s.lr)}` : '');
    // The learning rate is locked while a run trains (as every hyperparameter is).
    this.use.toggleAttribute('disabled', ['starting', 'running', 'stopping'].includes(runPhase));
    setText(this.rule, s ? `Suggested ${shortExp(s.lr)}: ${s.rule}. The lowest smoothed loss was at ${shortExp(s.minLossLr)}.` : result ? 'No rate to suggest: the loss never fell during the sweep.' : '');
    setText(this.summary, result ? describe(result) : '');
  }

  private draw(result: LrFindResult | null): void {
    this.drawn = result;
    this.chart?.destroy();
    this.chart = null;
    if (!result || result.points.length === 0) return;
    const p = result.points;
    const data: uPlot.AlignedData = [p.map((x) => x.lr), p.map((x) => (Number.isFinite(x.loss) ? x.loss : null)), p.map((x) => x.smoothedLoss)];
    const suggestion = result.suggestion?.lr ?? null;
    const marker = themeColor('--vscode-charts-red', '#f14c4c');
    const mark = (u: uPlot) => {
      if (suggestion === null) return;
      const x = u.valToPos(suggestion, 'x', true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = marker;
      ctx.fillStyle = marker;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.font = `${11 * devicePixelRatio}px sans-serif`;
      ctx.fillText(`suggested ${shortExp(suggestion)}`, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
      ctx.restore();
    };
    // Keep the interesting stretch in view: a diverged loss shoots far above where the sweep started.
    const ceiling = Math.max(...p.slice(0, 3).map((x) => x.smoothedLoss)) * 1.5;
    this.chart = new uPlot(lrChartOptions(this.width(), ceiling, mark), data, this.box);
  }
}

/** The chart's text alternative. */
function describe(r: LrFindResult): string {
  const p = r.points;
  if (p.length === 0) return 'The sweep ended before its first batch.';
  const best = p.reduce((a, b) => (b.smoothedLoss < a.smoothedLoss ? b : a));
  const end = r.end === 'diverged' ? 'then the loss diverged, which is how a sweep is meant to end' : r.end === 'cancelled' ? 'then it was stopped' : 'and it reached the end of its range';
  return `Swept ${p.length} batches from ${shortExp(p[0].lr)} to ${shortExp(p[p.length - 1].lr)}; the smoothed loss was lowest (${best.smoothedLoss.toFixed(3)}) at ${shortExp(best.lr)}, ${end}.`;
}
