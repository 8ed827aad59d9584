import { tf } from '../tf';

/** What the loop knows after one batch. */
export interface BatchLogs {
  /** Epochs count from 1, batches from 1 within the epoch. */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Examples in this batch. */
  size: number;
  loss: number;
  accuracy: number;
  lr: number;
}

/** What the loop knows after one epoch (train metrics are means over the epoch's batches). */
export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  lr: number;
}

/** The loop's state that callbacks may read or change. */
export interface LoopControl {
  /** The model being trained (the suffix when the feature cache is on). */
  readonly model: tf.LayersModel;
  /** First and last epoch of this fit call (from 1; a second phase continues the count). */
  readonly firstEpoch: number;
  readonly lastEpoch: number;
  getLearningRate(): number;
  setLearningRate(lr: number): void;
  /** Ask the loop to stop after the current epoch, with a reason. */
  stop(reason: 'earlyStopping'): void;
}

/**
 * One step of the training loop's bookkeeping. The loop calls callbacks in the
 * order given, so that e.g. early stopping sees an epoch before reduce-on-plateau
 * lowers the lr for the next one. Each callback says which logs keys it reads.
 */
export interface Callback {
  onTrainBegin?(control: LoopControl): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, control: LoopControl): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, control: LoopControl): void | Promise<void>;
  /** Called once, also after a cancel. */
  onTrainEnd?(control: LoopControl): void | Promise<void>;
}

/**
 * Stops after `patience` epochs without a lower validation loss and restores
 * the weights of the best epoch at the end. Reads `valLoss` and `epoch`.
 */
export class EarlyStopping implements Callback {
  private best = Infinity;
  private wait = 0;
  private snapshot: tf.Tensor[] | null = null;
  bestEpoch = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta = 0,
  ) {}

  onEpochEnd(logs: EpochLogs, control: LoopControl): void {
    if (logs.valLoss < this.best - this.minDelta) {
      this.best = logs.valLoss;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      // Replace, never accumulate: one copy of the weights at a time.
      this.snapshot?.forEach((t) => t.dispose());
      this.snapshot = control.model.weights.map((w) => tf.keep(w.read().clone()));
      return;
    }
    this.wait++;
    if (this.patience > 0 && this.wait >= this.patience) control.stop('earlyStopping');
  }

  /** For checkpoints: everything but the weights snapshot (that is the `best` checkpoint). */
  getState(): { best: number; wait: number; bestEpoch: number } {
    return { best: this.best, wait: this.wait, bestEpoch: this.bestEpoch };
  }

  /** On resume: the saved counters and the best weights so far (the caller keeps ownership of `weights`). */
  setState(state: { best: number; wait: number; bestEpoch: number }, weights?: tf.Tensor[]): void {
    Object.assign(this, { best: state.best ?? Infinity, wait: state.wait, bestEpoch: state.bestEpoch });
    this.snapshot?.forEach((t) => t.dispose());
    this.snapshot = weights ? weights.map((t) => tf.keep(t.clone())) : null;
  }

  onTrainEnd(control: LoopControl): void {
    if (this.snapshot) {
      control.model.weights.forEach((w, i) => w.write(this.snapshot![i]));
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
  private best = Infinity;
  private wait = 0;

  constructor(
    private readonly patience: number,
    private readonly factor: number,
    private readonly minLr = 1e-7,
  ) {}

  onEpochEnd(logs: EpochLogs, control: LoopControl): void {
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

  setState(state: { best: number; wait: number }): void {
    this.best = state.best ?? Infinity;
    this.wait = state.wait;
  }
}
