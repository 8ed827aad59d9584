// Runs one training at a time: a fresh trainer process per run, events folded
// into the store, a cancellable progress notification, and a shutdown that
// always ends the process (Stop → cooperative cancel at a batch boundary;
// no answer → kill).
import * as vscode from 'vscode';
import type { TrainSpec } from '../shared/trainSpec';
import type { EpochPoint } from '../shared/protocol/webview';

/** What a run does: train from a spec, or continue an interrupted run folder. */
export type RunJob =
  | { kind: 'train'; spec: TrainSpec }
  | { kind: 'resume'; runDir: string; name: string; epochs: number; history: EpochPoint[] };
import type { HostStore } from './state/store';
import type { TrainerProcess } from './trainer/process';
import { duration } from './views/format';
import { recordForcedStop } from './runs/recordStop';

/** The trainer's way of saying a request ended on Stop (see src/trainer/errors.ts). */
const isCancelled = (error: unknown) => (error as { code?: unknown } | null)?.code === 'cancelled';

/** How long a cooperative Stop may take before the process is killed. */
const STOP_GRACE_MS = 20_000;

export class TrainingController implements vscode.Disposable {
  private proc: TrainerProcess | null = null;
  /** When the active run started (ms since epoch), for telling its folder apart in the Runs view. */
  private startedAt: number | null = null;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private notifiedFailure = false;

  constructor(
    private readonly store: HostStore,
    private readonly script: string,
    private readonly log: (line: string) => void,
    /** Called when a run starts or ends, to refresh the Runs view. */
    private readonly onRunsChanged: () => void,
    private readonly showLog: () => void = () => undefined,
  ) {}

  /** Start time of the run this window is training, or null (for the Runs view's status). */
  get activeSince(): number | null {
    return this.store.machine.active ? this.startedAt : null;
  }

  get active(): boolean {
    return this.store.machine.active;
  }

  /** Starts a run; a second Start while one runs is ignored and says so. */
  start(job: RunJob): boolean {
    const began = job.kind === 'train' ? this.store.beginRun(job.spec.name ?? 'run', job.spec.epochs ?? 0 /* the budget rule decides; epoch events bring the total */) : this.store.beginRun(job.name, job.epochs, job.history);
    if (!began) {
      void vscode.window.showInformationMessage('Finetune: a training run is already in progress.');
      return false;
    }
    this.startedAt = Date.now();
    this.notifiedFailure = false;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Finetune', cancellable: true },
      (progress, token) => this.drive(job, progress, token),
    );
    return true;
  }

  private async spawn(): Promise<TrainerProcess> {
    // Loaded on first use: the protocol's schemas (zod) stay out of activation.
    const { TrainerProcess } = await import('./trainer/process');
    const proc: TrainerProcess = new TrainerProcess({
      script: this.script,
      log: this.log,
      onExit: (unexpected) => {
        if (unexpected && this.proc === proc) this.fail(unexpected);
      },
    });
    this.proc = proc;
    return proc;
  }

  private async drive(job: RunJob, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<void> {
    token.onCancellationRequested(() => this.stop());
    let reported = 0;
    const unsubscribe = this.store.subscribe({
      changed: (sections) => {
        if (!sections.has('run')) return;
        const r = this.store.run;
        const share = r.epochs > 0 ? Math.min(100, ((r.epoch - 1 + (r.batchesPerEpoch ? r.batch / r.batchesPerEpoch : 0)) / r.epochs) * 100) : 0;
        const increment = Math.max(0, share - reported);
        reported += increment;
        const where = r.stage ? `${r.stage.name} ${r.stage.done}/${r.stage.total}` : r.epoch > 0 ? `epoch ${r.epoch}/${r.epochs}` : (r.message ?? 'starting');
        progress.report({ increment, message: `${where} · ETA ${duration(r.etaMs)}` });
      },
    });
    const proc = await this.spawn();
    try {
      await proc.whenReady();
      // Stop pressed before the trainer was up: end here, without training.
      if (this.store.machine.phase === 'stopping') throw new Error('stopped before training began');
      this.store.applyEvent({ type: 'log', level: 'info', message: 'Trainer started' });
      this.onRunsChanged();
      const onEvent = { onEvent: (event: Parameters<HostStore['applyEvent']>[0]) => this.onEvent(event) };
      const result = job.kind === 'train' ? await proc.rpc.request('train', { spec: job.spec }, onEvent) : await proc.rpc.request('resume', { runDir: job.runDir }, onEvent);
      this.store.finishRun(result);
      void vscode.window.showInformationMessage(`Finetune: ${this.store.run.outcome ?? 'done'}. Model saved in ${result.modelDir}`);
    } catch (error) {
      // A Stop during start-up, decoding or feature extraction ends the request
      // without a result (the trainer answers with code `cancelled`): it is a
      // stop, never a failure, so no error toast and no failed state.
      if (this.store.machine.phase === 'stopping' || isCancelled(error)) this.store.stoppedWithoutModel();
      else this.fail(error instanceof Error ? error.message : String(error));
    } finally {
      unsubscribe();
      this.clearStopTimer();
      if (this.proc === proc) this.proc = null;
      const since = this.startedAt;
      this.startedAt = null;
      await proc.dispose(1000);
      if (job.kind === 'train' && since !== null && this.store.run.phase === 'cancelled' && !this.store.result) {
        await recordForcedStop(vscode.Uri.file(job.spec.runsDir), since, job.spec.name, this.store.history.epochs.length).catch((e: unknown) => this.log(`could not record the stop: ${String(e)}`));
      }
      this.onRunsChanged();
    }
  }

  private onEvent(event: Parameters<HostStore['applyEvent']>[0]): void {
    if (event.type === 'log') this.log(`[run] ${event.level}: ${event.message}`);
    // Frozen weights that changed are a bug in the freezing itself: say so loudly, not only in the tree.
    if (event.type === 'frozen' && event.changed.length > 0) void vscode.window.showErrorMessage(`Finetune: frozen layers changed during training (sha256 differs): ${event.changed.join(', ')}. Please report this.`);
    this.store.applyEvent(event);
  }

  private fail(message: string): void {
    // A trainer killed after Stop (it did not stop in time) was stopped, not failed.
    if (this.store.machine.phase === 'stopping') return this.store.stoppedWithoutModel();
    // The engine reports a failure both as an `error` event and as the
    // request's rejection; the user hears about it once.
    if (this.store.machine.active) this.store.failRun(message);
    if (this.notifiedFailure || this.store.run.phase !== 'failed') return;
    this.notifiedFailure = true;
    this.log(`run failed: ${message}`);
    void vscode.window.showErrorMessage(`Finetune: training failed. ${message}`, 'Show Log').then((choice) => {
      if (choice) this.showLog();
    });
  }

  /** Asks the trainer to stop at the next batch boundary; kills it if it does not. */
  stop(): void {
    const proc = this.proc;
    if (!this.store.requestStop() || !proc) return;
    proc.rpc.request('stop', {}).catch(() => undefined);
    this.stopTimer = setTimeout(() => {
      this.log('the trainer did not stop in time; killing it');
      void proc.dispose(0);
    }, STOP_GRACE_MS);
  }

  private clearStopTimer(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
  }

  /** Ends the trainer for sure (deactivation). */
  async shutdown(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    this.clearStopTimer();
    // The window is going away: the run stays interrupted (resumable), and
    // the trainer's exit is no failure worth a notification.
    this.notifiedFailure = true;
    if (this.store.machine.active) this.store.failRun('Interrupted: VS Code closed the extension.');
    await proc?.dispose(1000);
  }

  dispose(): void {
    void this.shutdown();
  }
}
