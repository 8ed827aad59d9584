// The LR finder's state, owned by the host so that a hidden and reopened
// dashboard shows the sweep again: running (with the preparation's progress),
// or its last result. A result belongs to the model, plan and dataset it was
// swept on; changing any of them clears it.
import type { TrainEvent } from '../../shared/events';
import type { LrFindResult } from '../../shared/lrFind';
import type { LrFinderView } from '../../shared/protocol/webview';
import { shortExp, shownRate } from '../../shared/format';

export class LrFinderState {
  private current: LrFinderView | null = null;

  /** `changed` is called after every change, so the dashboard is patched. */
  constructor(private readonly changed: () => void) {}

  get view(): LrFinderView | null {
    return this.current;
  }

  get active(): boolean {
    return this.current?.phase === 'running' || this.current?.phase === 'stopping';
  }

  private set(view: LrFinderView | null): void {
    this.current = view;
    this.changed();
  }

  /** A sweep starts; false while one runs. */
  begin(): boolean {
    if (this.active) return false;
    this.set({ phase: 'running', stage: null, message: 'Starting the trainer…', result: null });
    return true;
  }

  /** Folds in one event of the sweep's request: the decode and feature progress, and what it logs. */
  apply(event: TrainEvent): void {
    const c = this.current;
    if (!c || !this.active) return;
    if (event.type === 'progress') this.set({ ...c, stage: { name: event.stage, done: event.done, total: event.total } });
    else if (event.type === 'log') this.set({ ...c, stage: null, message: event.message });
  }

  stop(): boolean {
    if (this.current?.phase !== 'running') return false;
    this.set({ ...this.current, phase: 'stopping', message: 'Stopping the LR finder…' });
    return true;
  }

  /** The sweep's answer. Divergence is how a sweep is meant to end: a result like any other, not an error. */
  finish(result: LrFindResult): void {
    if (!this.active) return;
    const phase = result.end === 'cancelled' ? 'cancelled' : 'done';
    this.set({ phase, stage: null, message: endLine(result), result });
  }

  /** Stopped before any batch (during start-up, decoding or feature extraction): nothing to show. */
  cancelled(): void {
    if (this.active) this.set({ phase: 'cancelled', stage: null, message: 'The LR finder was stopped before it swept.', result: null });
  }

  fail(message: string): void {
    if (this.active) this.set({ phase: 'failed', stage: null, message: `The LR finder failed: ${message}`, result: null });
  }

  /** The model, plan or dataset changed: the last result no longer applies (a running sweep is left alone). */
  clear(): void {
    if (this.current && !this.active) this.set(null);
  }

  /**
   * The rate to apply when the page asks for `learningRate`: the suggestion as
   * shown (shortExp), and refused unless it is the one on screen now
   * (a click on an older result, or a forged message, must not set a rate the
   * user was not shown).
   */
  checkSuggestion(learningRate: number): { ok: true; lr: number } | { ok: false; message: string } {
    const suggestion = this.current?.result?.suggestion;
    if (!suggestion) return { ok: false, message: 'The LR finder has no suggestion to apply; run it first. The learning rate was kept.' };
    const lr = shownRate(suggestion.lr);
    if (lr !== learningRate) return { ok: false, message: `The LR finder suggests ${shortExp(lr)}, not ${learningRate}; the learning rate was kept.` };
    return { ok: true, lr };
  }
}

/** How the sweep ended, in one line. */
function endLine(result: LrFindResult): string {
  const n = result.points.length;
  const how = result.end === 'diverged' ? `the loss diverged after ${n} batches, as a sweep is meant to end` : result.end === 'cancelled' ? `stopped after ${n} batches` : `swept the whole range in ${n} batches without the loss diverging`;
  const what = result.suggestion ? `suggested learning rate ${shortExp(result.suggestion.lr)}` : 'no rate to suggest: the loss never fell';
  return `LR finder: ${how}; ${what}.`;
}
