// The learning-rate finder (Smith 2017, "Cyclical Learning Rates", §3.3; as in
// fastai's lr_find): train for about 100 batches while the rate grows
// exponentially, watch the smoothed loss, and stop when it diverges, which is
// the expected end of a sweep, not an error. The weights (and every other
// model variable, BatchNormalization statistics included) are put back after.
import { tf } from '../tf';
import type { LrFindResult, LrFindPoint } from '../../shared/lrFind';
import { weightsInStableOrder } from '../model/graph';
import type { Rng } from '../util/rng';
import type { BatchInfo, BatchLogs, Callback, LoopControl } from './callbacks';
import { NonFiniteLossError } from './errors';
import { fit, type LabelledSource, type TrainGroup } from './loop';

export interface SweepOptions {
  startLr: number;
  endLr: number;
  batches: number;
  /** fastai's β for the loss's exponential moving average (bias-corrected). */
  smoothing: number;
  /** The sweep ends when the smoothed loss exceeds this many times its minimum. */
  divergeFactor: number;
}

export const DEFAULT_SWEEP: SweepOptions = { startLr: 1e-7, endLr: 10, batches: 100, smoothing: 0.98, divergeFactor: 4 };

/** The rule, as the CLI and the dashboard state it. */
export const SUGGESTION_RULE = 'a tenth of the rate at the lowest smoothed loss (fastai lr_min), where the loss still falls steadily';

/**
 * The suggested rate: the rate at the lowest smoothed loss, divided by 10.
 * At the minimum the loss is already about to blow up; a tenth of it is
 * still on the falling slope. Null when the loss never fell at all, since
 * then there is no slope to be on.
 */
export function suggestLearningRate(points: readonly LrFindPoint[]): { lr: number; minLossLr: number } | null {
  if (points.length < 3) return null;
  let best = 0;
  for (let i = 1; i < points.length; i++) if (points[i].smoothedLoss < points[best].smoothedLoss) best = i;
  if (best === 0) return null;
  return { lr: points[best].lr / 10, minLossLr: points[best].lr };
}

/** Sets the rate before each batch, records the loss after it, stops on divergence. */
export class LrSweep implements Callback {
  readonly points: LrFindPoint[] = [];
  private average = 0;
  private minimum = Infinity;
  private step = 0;

  constructor(private readonly options: SweepOptions) {}

  onEpochBegin(_epoch: number, control: LoopControl): void {
    control.skipValidation(); // the sweep reads training losses only
  }

  onBatchBegin(_info: BatchInfo, control: LoopControl): void {
    const { startLr, endLr, batches } = this.options;
    control.setLearningRate(startLr * (endLr / startLr) ** (this.step / Math.max(1, batches - 1)));
  }

  onBatchEnd(logs: BatchLogs, control: LoopControl): void {
    const { smoothing, divergeFactor, batches } = this.options;
    this.step++;
    this.average = smoothing * this.average + (1 - smoothing) * logs.loss;
    const smoothed = this.average / (1 - smoothing ** this.step);
    this.points.push({ lr: logs.lr, loss: logs.loss, smoothedLoss: smoothed });
    this.minimum = Math.min(this.minimum, smoothed);
    if (smoothed > divergeFactor * this.minimum) control.stop('diverged');
    else if (this.step >= batches) control.stop('finished');
  }
}

export interface FindOptions {
  model: tf.LayersModel;
  prefix?: tf.LayersModel;
  train: LabelledSource;
  batchSize: number;
  rng: Rng;
  /** One per layer group; the sweep moves the base rate, so groups keep their ratios. */
  makeGroups: () => TrainGroup[];
  sweep?: Partial<SweepOptions>;
  signal?: AbortSignal;
}

/** Runs the sweep on a throwaway optimizer and restores every model variable afterwards. */
export async function findLearningRate(options: FindOptions): Promise<LrFindResult> {
  const sweep = { ...DEFAULT_SWEEP, ...options.sweep };
  const { model } = options;
  const saved = weightsInStableOrder(model).map((w) => tf.keep(w.read().clone()));
  const groups = options.makeGroups();
  const recorder = new LrSweep(sweep);
  let end: LrFindResult['end'] = 'completed';
  try {
    const batchesPerEpoch = Math.ceil(options.train.x.size / options.batchSize);
    const result = await fit({
      model,
      prefix: options.prefix,
      groups,
      train: options.train,
      // Never read: every epoch's validation is skipped.
      validation: options.train,
      batchSize: options.batchSize,
      firstEpoch: 1,
      lastEpoch: Math.ceil(sweep.batches / batchesPerEpoch),
      rng: options.rng,
      callbacks: [recorder],
      signal: options.signal,
    });
    if (result.stopReason === 'diverged') end = 'diverged';
    if (result.stopReason === 'cancelled') end = 'cancelled';
  } catch (err) {
    // A loss that overflows is the most extreme divergence; anything else is a real error.
    if (!(err instanceof NonFiniteLossError)) throw err;
    end = 'diverged';
  } finally {
    weightsInStableOrder(model).forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
    for (const g of groups) g.optimizer.dispose();
  }
  const suggestion = suggestLearningRate(recorder.points);
  return { points: recorder.points, end, suggestion: suggestion && { ...suggestion, rule: SUGGESTION_RULE } };
}
