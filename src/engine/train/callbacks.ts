import { tf } from '../tf';
import type { LayerSignal } from '../../shared/events';
import { weightsInStableOrder } from '../model/graph';

/**
 * Why a callback ends training early. `diverged`: the loss blew up (the LR
 * finder's expected end); `finished`: the callback's work is done (the
 * finder's batch budget is spent).
 */
export type StopReason = 'earlyStopping' | 'diverged' | 'finished';

/** Where the loop is when a batch starts. Epochs count from 1, batches from 1 within the epoch. */
export interface BatchInfo {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Examples in this batch. */
  size: number;
}

/** What the loop knows after one batch. */
export interface BatchLogs extends BatchInfo {
  loss: number;
  accuracy: number;
  /** The base learning rate; group g trains at `lrs[g]` (base × its multiplier). */
  lr: number;
  lrs: number[];
}

/** One trainable weight's gradient for the current batch, with the layer it belongs to. */
export interface WeightGradient {
  layer: string;
  weight: tf.LayerVariable;
  grad: tf.Tensor;
}

/** Handed to `onGradients` after the backward pass and before any group's optimizer applies it. */
export interface GradientStep {
  epoch: number;
  batch: number;
  /** Already checked finite. */
  loss: number;
  gradients: readonly WeightGradient[];
}

/** What the loop knows after one epoch (train metrics are means over the epoch's batches). */
export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  /** NaN when a callback skipped this epoch's validation. */
  valLoss: number;
  valAccuracy: number;
  /** The base learning rate the epoch ended with, and each group's. */
  lr: number;
  lrs?: number[];
  /** Per trainable layer, when the LayerSignalRecorder ran (layerSignal.ts). */
  layers?: LayerSignal[];
}

/** A layer group as the loop trains it: its layers share one optimizer and one learning rate. */
export interface GroupInfo {
  layers: readonly string[];
  lrMultiplier: number;
}

/** The loop's state that callbacks may read or change. */
export interface LoopControl {
  /** The model being trained (the suffix when the feature cache is on). */
  readonly model: tf.LayersModel;
  /** First and last epoch of this fit call (from 1; a later phase continues the count). */
  readonly firstEpoch: number;
  readonly lastEpoch: number;
  readonly groups: readonly GroupInfo[];
  /** The base learning rate; each group trains at base × its multiplier. */
  getLearningRate(): number;
  /** Sets the base learning rate, so every group keeps its ratio to it. */
  setLearningRate(lr: number): void;
  learningRates(): number[];
  /** Ends training after the current batch (or, from onEpochEnd, before the next epoch). */
  stop(reason: StopReason): void;
  /** Skips the validation pass of the current epoch; its logs then carry NaN there. */
  skipValidation(): void;
}

/**
 * A behaviour plugged into the loop, in the spirit of fastai's callback events
 * and Keras' callbacks. The loop calls callbacks in the order given, so that
 * e.g. early stopping sees an epoch before reduce-on-plateau lowers the lr for
 * the next one. Each callback says which logs keys it reads.
 *
 * Order within a fit call: onTrainBegin, then per epoch onEpochBegin, per batch
 * onBatchBegin → onGradients → (optimizers step) → onBatchEnd, then
 * onEpochEnd; onTrainEnd last, also after a cancel or an error.
 */
export interface Callback {
  /** The key of this callback's state in checkpoints; needed with getState. */
  readonly stateKey?: string;
  onTrainBegin?(control: LoopControl): void | Promise<void>;
  onEpochBegin?(epoch: number, control: LoopControl): void | Promise<void>;
  onBatchBegin?(info: BatchInfo, control: LoopControl): void | Promise<void>;
  /**
   * Synchronous: runs inside the step's tf.tidy, so tensors it makes are freed
   * after the step unless it keeps them. The gradients are read-only.
   */
  onGradients?(step: GradientStep, control: LoopControl): void;
  onBatchEnd?(logs: BatchLogs, control: LoopControl): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, control: LoopControl): void | Promise<void>;
  /** Called once, also after a cancel. */
  onTrainEnd?(control: LoopControl): void | Promise<void>;
  /** Plain JSON saved in each checkpoint under `stateKey`, and given back on resume. */
  getState?(): unknown;
  setState?(state: unknown): void;
}

/** Each stateful callback's state by its key, for a checkpoint. */
export function callbackStates(callbacks: readonly Callback[]): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (const cb of callbacks) if (cb.stateKey && cb.getState) states[cb.stateKey] = cb.getState();
  return states;
}

/** Gives each stateful callback what a checkpoint saved for it; those with nothing saved start fresh. */
export function restoreCallbackStates(callbacks: readonly Callback[], saved: Record<string, unknown>): void {
  for (const cb of callbacks) if (cb.stateKey && cb.setState && saved[cb.stateKey] !== undefined) cb.setState(saved[cb.stateKey]);
}

/**
 * Stops after `patience` epochs without a lower validation loss and restores
 * the weights of the best epoch at the end. Reads `valLoss` and `epoch`.
 */
export class EarlyStopping implements Callback {
  readonly stateKey = 'early';
  private best = Infinity;
  private wait = 0;
  private snapshot: tf.Tensor[] | null = null;
  bestEpoch = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta = 0,
  ) {}

  onEpochEnd(logs: EpochLogs, control: LoopControl): void {
    if (Number.isNaN(logs.valLoss)) return; // validation skipped: nothing to judge
    if (logs.valLoss < this.best - this.minDelta) {
      this.best = logs.valLoss;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      // Replace, never accumulate: one copy of the weights at a time.
      this.snapshot?.forEach((t) => t.dispose());
      this.snapshot = weightsInStableOrder(control.model).map((w) => tf.keep(w.read().clone()));
      return;
    }
    this.wait++;
    if (this.patience > 0 && this.wait >= this.patience) control.stop('earlyStopping');
  }

  /** For checkpoints: everything but the weights snapshot (that is the `best` checkpoint). */
  getState(): { best: number; wait: number; bestEpoch: number } {
    return { best: this.best, wait: this.wait, bestEpoch: this.bestEpoch };
  }

  /** On resume: the saved counters (JSON turns an infinite `best` into null). */
  setState(state: { best: number | null; wait: number; bestEpoch: number }): void {
    Object.assign(this, { best: state.best ?? Infinity, wait: state.wait, bestEpoch: state.bestEpoch });
  }

  /** On resume: the best weights so far, from checkpoints/best (the caller keeps ownership of `weights`). */
  restoreBest(weights: tf.Tensor[] | undefined): void {
    this.snapshot?.forEach((t) => t.dispose());
    this.snapshot = weights ? weights.map((t) => tf.keep(t.clone())) : null;
  }

  onTrainEnd(control: LoopControl): void {
    if (this.snapshot) {
      weightsInStableOrder(control.model).forEach((w, i) => w.write(this.snapshot![i]));
      this.snapshot.forEach((t) => t.dispose());
      this.snapshot = null;
    }
  }
}

/**
 * Multiplies the learning rate by `factor` after `patience` epochs without a
 * lower validation loss, then waits another `patience` epochs. Reads `valLoss`.
 */
export class ReduceOnPlateau implements Callback {
  readonly stateKey = 'plateau';
  private best = Infinity;
  private wait = 0;

  constructor(
    private readonly patience: number,
    private readonly factor: number,
    private readonly minLr = 1e-7,
  ) {}

  onEpochEnd(logs: EpochLogs, control: LoopControl): void {
    if (Number.isNaN(logs.valLoss)) return;
    if (logs.valLoss < this.best) {
      this.best = logs.valLoss;
      this.wait = 0;
      return;
    }
    if (++this.wait >= this.patience) {
      control.setLearningRate(Math.max(this.minLr, control.getLearningRate() * this.factor));
      this.wait = 0;
    }
  }

  getState(): { best: number; wait: number } {
    return { best: this.best, wait: this.wait };
  }

  setState(state: { best: number | null; wait: number }): void {
    this.best = state.best ?? Infinity;
    this.wait = state.wait;
  }
}
