// Runs the LR finder for the dashboard: a fresh trainer process per sweep,
// the `lrFind` request for the spec Start would run, its events folded into
// the store (which owns the result), a cancellable notification, and Stop
// (cooperative at a batch boundary; no answer → kill), as TrainingController
// does for a run.
import * as vscode from 'vscode';
import type { TrainSpec } from '../shared/trainSpec';
import type { HostStore } from './state/store';
import type { TrainerProcess } from './trainer/process';
import { shortExp } from '../shared/format';

/** How long a cooperative Stop may take before the process is killed. */
const STOP_GRACE_MS = 20_000;

export class LrFinderController implements vscode.Disposable {
  private proc: TrainerProcess | null = null;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: HostStore,
    private readonly script: string,
    private readonly log: (line: string) => void,
  ) {}

  get active(): boolean {
    return this.store.lrFinder.active;
  }

  /** Starts a sweep; false (and nothing happens) while one runs. */
  start(spec: TrainSpec): boolean {
    if (!this.store.lrFinder.begin()) return false;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Finetune: LR finder', cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => this.stop());
      const unsubscribe = this.store.subscribe({
        changed: (sections) => {
          const v = this.store.lrFinder.view;
          if (sections.has('lrFinder') && v) progress.report({ message: v.stage ? `${v.stage.name} ${v.stage.done}/${v.stage.total}` : (v.message ?? undefined) });
        },
      });
      return this.drive(spec).finally(unsubscribe);
    });
    return true;
  }

  private async drive(spec: TrainSpec): Promise<void> {
    const { TrainerProcess } = await import('./trainer/process'); // zod and the protocol load on first use
    const state = this.store.lrFinder;
    const proc: TrainerProcess = new TrainerProcess({
      script: this.script,
      log: this.log,
      onExit: (unexpected) => {
        // Killed after Stop (it did not stop in time) is a stop; any other exit mid-sweep is a failure.
        if (unexpected && this.proc === proc) return state.view?.phase === 'stopping' ? state.cancelled() : state.fail(unexpected);
      },
    });
    this.proc = proc;
    try {
      await proc.whenReady();
      const result = await proc.rpc.request('lrFind', { spec }, { onEvent: (event) => state.apply(event) });
      state.finish(result);
      this.log(`LR finder: ${result.end} after ${result.points.length} batches; suggestion ${result.suggestion ? shortExp(result.suggestion.lr) : 'none'}`);
    } catch (error) {
      // Stop before the sweep began ends the request without a result: a stop, not a failure.
      const code = (error as { code?: unknown } | null)?.code;
      if (state.view?.phase === 'stopping' || code === 'cancelled') state.cancelled();
      else state.fail(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(this.stopTimer);
      if (this.proc === proc) this.proc = null;
      await proc.dispose(1000);
    }
  }

  /** Asks the trainer to stop the sweep at the next batch; kills it if it does not. */
  stop(): void {
    const proc = this.proc;
    if (!this.store.lrFinder.stop() || !proc) return;
    proc.rpc.request('stop', {}).catch(() => undefined);
    this.stopTimer = setTimeout(() => {
      this.log('the LR finder did not stop in time; killing it');
      void proc.dispose(0);
    }, STOP_GRACE_MS);
  }

  dispose(): void {
    clearTimeout(this.stopTimer);
    void this.proc?.dispose(0);
    this.proc = null;
  }
}
