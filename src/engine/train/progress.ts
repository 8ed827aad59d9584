import type { TrainEvent } from '../../shared/events';
import type { BatchLogs, Callback, EpochLogs } from './callbacks';

/** About 8 batch events per second: smooth charts without flooding the IPC channel. */
export const BATCH_EVENT_INTERVAL_MS = 125;

type Emit = (event: TrainEvent) => void;

/**
 * Turns loop logs into `batch` and `epoch` events. Batch events are throttled
 * to one per `intervalMs` (the first batch of an epoch is always sent); epoch
 * events are never dropped. Reads every BatchLogs and EpochLogs key.
 */
export class ProgressEvents implements Callback {
  private startedAt = 0;
  private lastSentAt = -Infinity;
  private imagesSinceSent = 0;
  private firstBatchOfEpoch = true;

  constructor(
    private readonly emit: Emit,
    /** Total epochs of the whole run (both phases), for the ETA. */
    private readonly totalEpochs: number,
    private readonly intervalMs = BATCH_EVENT_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
    /** Epochs finished before this process started training (a resumed run's checkpoint epoch). */
    private readonly epochsBefore = 0,
    /** When the run started, if before this fit call (a second phase); elapsed time counts from it. */
    private readonly runStartedAt?: number,
  ) {}

  onTrainBegin(): void {
    this.startedAt = this.runStartedAt ?? this.now();
    this.lastSentAt = this.now();
  }

  onBatchEnd(logs: BatchLogs): void {
    this.imagesSinceSent += logs.size;
    const t = this.now();
    if (!this.firstBatchOfEpoch && t - this.lastSentAt < this.intervalMs) return;
    this.firstBatchOfEpoch = false;
    const seconds = Math.max(t - this.lastSentAt, 1e-3) / 1000;
    this.emit({
      type: 'batch',
      epoch: logs.epoch,
      batch: logs.batch,
      batchesPerEpoch: logs.batchesPerEpoch,
      loss: logs.loss,
      accuracy: logs.accuracy,
      lr: logs.lr,
      lrs: logs.lrs,
      imagesPerSec: this.imagesSinceSent / seconds,
    });
    this.lastSentAt = t;
    this.imagesSinceSent = 0;
  }

  onEpochEnd(logs: EpochLogs): void {
    this.firstBatchOfEpoch = true;
    const elapsedMs = this.now() - this.startedAt;
    const done = logs.epoch - this.epochsBefore;
    const remaining = Math.max(0, this.totalEpochs - logs.epoch);
    this.emit({ type: 'epoch', epochs: this.totalEpochs, ...logs, elapsedMs, etaMs: (elapsedMs / done) * remaining });
  }
}
