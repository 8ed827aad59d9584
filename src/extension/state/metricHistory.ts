// A run's metric history, as the charts draw it: per-batch points (bounded),
// per-epoch points, the global batch step, and a live ETA from the pace of
// batches between epoch ends.
import type { BatchPoint, EpochPoint } from '../../shared/protocol/webview';
import { RingBuffer } from './ringBuffer';

export class MetricHistory {
  /** Per-batch points: bounded, because a long run has millions of batches. */
  readonly batches = new RingBuffer<BatchPoint>(20_000);
  /** Per-epoch points: bounded only by the epoch limit, so a reopened chart holds every epoch. */
  readonly epochs = new RingBuffer<EpochPoint>(10_000);
  private step = 0;
  /** When the first batch of this run arrived, for a live ETA between epoch ends. */
  private firstBatchAt: number | null = null;
  private batchesAtFirst = 0;

  constructor(private readonly now: () => number) {}

  /** Starts over, seeded with the epochs a resumed or reopened run already has. */
  reset(history: readonly EpochPoint[] = []): void {
    this.batches.clear();
    this.epochs.clear();
    for (const point of history) this.epochs.push(point);
    this.step = 0;
    this.firstBatchAt = null;
  }

  /**
   * Adds a batch at its global step (true even though events are sampled,
   * ~8/s), and returns it with the remaining time for `totalEpochs` (null
   * until two batch events have arrived).
   */
  addBatch(batch: Omit<BatchPoint, 'step'> & { batch: number; batchesPerEpoch: number }, totalEpochs: number): { point: BatchPoint; etaMs: number | null } {
    const done = (batch.epoch - 1) * batch.batchesPerEpoch + batch.batch;
    this.step = Math.max(this.step + 1, done);
    const point: BatchPoint = { step: this.step, epoch: batch.epoch, loss: batch.loss, accuracy: batch.accuracy };
    this.batches.push(point);
    return { point, etaMs: this.eta(done, batch.batchesPerEpoch * totalEpochs) };
  }

  /** Adds an epoch; a resumed run may repeat an epoch it had already logged, so there is one point per epoch. */
  addEpoch(point: EpochPoint): void {
    if (this.epochs.last()?.epoch !== point.epoch) {
      this.epochs.push(point);
      return;
    }
    const all = this.epochs.toArray();
    all[all.length - 1] = point;
    this.epochs.clear();
    for (const p of all) this.epochs.push(p);
  }

  private eta(done: number, total: number): number | null {
    if (this.firstBatchAt === null) {
      this.firstBatchAt = this.now();
      this.batchesAtFirst = done;
      return null;
    }
    const rate = (done - this.batchesAtFirst) / (this.now() - this.firstBatchAt);
    return rate > 0 && total >= done ? (total - done) / rate : null;
  }
}
