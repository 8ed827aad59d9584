// Runs one sweep at a time in its own trainer process: a cancellable
// progress notification naming the member in progress with the sweep's ETA,
// and, when it ends, the comparison view. Cancel stops the member at a batch
// boundary (it keeps its checkpoint), so Resume on the sweep continues it.
import * as vscode from 'vscode';
import type { SweepEvent } from '../../shared/sweep';
import type { SweepRequestParams } from '../../shared/protocol/trainer';
import type { TrainerProcess } from '../trainer/process';
import { duration } from '../views/format';

export type SweepJob = { kind: 'sweep'; request: SweepRequestParams } | { kind: 'resume'; dir: string };

export interface SweepRunnerHooks {
  log(line: string): void;
  /** The sweep's folder or its runs changed (refresh the Runs view). */
  changed(): void;
  /** The sweep ended with results: open the comparison view on it. */
  finished(dir: string): void;
}

/** The line the progress notification shows for a sweep event, or null to keep the last one. */
export function progressLine(e: SweepEvent, current: { member: string; eta: number | null }): string | null {
  const eta = current.eta === null ? '' : ` · sweep ETA ${duration(current.eta)}`;
  switch (e.type) {
    case 'sweepStart':
      return `${e.todo} of ${e.members} runs to go`;
    case 'sharedPass':
      return `shared pass: ${e.outputs} cut activations for ${e.images} images`;
    case 'member':
      return e.status === 'start' ? `${current.member}: starting${eta}` : null;
    case 'run':
      if (e.id === 'shared-pass' && e.event.type === 'progress') return `shared pass: ${e.event.done}/${e.event.total} images`;
      if (e.event.type === 'epoch') return `${current.member}: epoch ${e.event.epoch}/${e.event.epochs}${eta}`;
      return null;
    case 'sweepDone':
      return null;
  }
}

export class SweepRunner implements vscode.Disposable {
  private proc: TrainerProcess | null = null;
  /** The sweep in progress, once its folder is known, and when this window started it. */
  activeSweep: { dir: string; since: number } | null = null;

  constructor(
    private readonly script: string,
    private readonly hooks: SweepRunnerHooks,
  ) {}

  get active(): boolean {
    return this.proc !== null;
  }

  /** Starts a sweep; false (and a message) when one is already running. */
  start(job: SweepJob): boolean {
    if (this.proc) {
      void vscode.window.showInformationMessage('Finetune: a sweep is already running.');
      return false;
    }
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Finetune sweep', cancellable: true }, (progress, token) => this.drive(job, progress, token));
    return true;
  }

  private async drive(job: SweepJob, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<void> {
    const { TrainerProcess } = await import('../trainer/process');
    const proc: TrainerProcess = new TrainerProcess({ script: this.script, log: this.hooks.log });
    this.proc = proc;
    const since = Date.now();
    if (job.kind === 'resume') this.activeSweep = { dir: job.dir, since };
    token.onCancellationRequested(() => void proc.rpc.request('stop', {}).catch(() => undefined));
    const current = { member: '', eta: null as number | null, total: 1 };
    const onSweepEvent = (e: SweepEvent) => {
      if (e.type === 'sweepStart') {
        current.total = Math.max(1, e.todo);
        this.activeSweep = { dir: e.dir, since };
        this.hooks.changed();
      }
      if (e.type === 'member') {
        current.member = `${e.id} (${e.index}/${e.total}: cut ${e.cut}, ${e.plan}, seed ${e.seed})`;
        current.eta = e.etaMs;
        this.hooks.log(`[sweep] ${e.id} ${e.status}${e.valAccuracy === undefined ? '' : `: val acc ${e.valAccuracy.toFixed(4)}`}${e.error ? `: ${e.error}` : ''}`);
        if (e.status !== 'start') this.hooks.changed();
      }
      if (e.type === 'run' && e.event.type === 'log') this.hooks.log(`[${e.id}] ${e.event.level}: ${e.event.message}`);
      const line = progressLine(e, current);
      const increment = e.type === 'member' && e.status !== 'start' ? 100 / current.total : undefined;
      if (line !== null || increment) progress.report({ message: line ?? undefined, increment });
    };
    try {
      await proc.whenReady();
      const outcome = job.kind === 'sweep' ? await proc.rpc.request('sweep', job.request, { onSweepEvent }) : await proc.rpc.request('resumeSweep', { dir: job.dir }, { onSweepEvent });
      if (outcome.cancelled) {
        void vscode.window.showInformationMessage('Finetune: sweep stopped. Resume it from the Runs view.');
      } else {
        this.hooks.finished(outcome.dir);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.hooks.log(`sweep failed: ${message}`);
      void vscode.window.showErrorMessage(`Finetune: the sweep failed. ${message}`);
    } finally {
      this.proc = null;
      this.activeSweep = null;
      await proc.dispose(1000);
      this.hooks.changed();
    }
  }

  async shutdown(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    await proc?.dispose(1000);
  }

  dispose(): void {
    void this.shutdown();
  }
}
