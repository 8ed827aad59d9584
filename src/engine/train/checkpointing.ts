import { join } from 'node:path';
import type { tf } from '../tf';
import type { Rng } from '../util/rng';
import { writeCheckpoint, type CheckpointState } from '../run/checkpoint';
import type { Callback, EpochLogs, LoopControl } from './callbacks';

export interface CheckpointContext {
  /** `<runDir>/checkpoints`. */
  dir: string;
  specHash: string;
  rng: Rng;
  /** One per layer group, in group order. */
  optimizers: tf.Optimizer[];
  phase: number;
  /** Epochs before this fit call (restored or from an earlier phase), for the saved history. */
  history: EpochLogs[];
  /** Other callbacks' states, collected at write time. */
  callbackStates: () => Record<string, unknown>;
  /** Lowest validation loss seen so far (restored on resume). */
  bestValLoss: number;
  /** Last: called after the checkpoint is on disk (tests use it to crash at a known point). */
  onWritten?: (epoch: number) => void;
}

/**
 * Writes checkpoints/last after every epoch and checkpoints/best when the
 * validation loss improved. Runs after every other callback, so the saved
 * state (lr after reduce-on-plateau, every stateful callback's state) is what
 * the next epoch starts from. Reads `epoch` and `valLoss`.
 */
export class CheckpointWriter implements Callback {
  constructor(private readonly ctx: CheckpointContext) {}

  get bestValLoss(): number {
    return this.ctx.bestValLoss;
  }

  async onEpochEnd(logs: EpochLogs, control: LoopControl): Promise<void> {
    this.ctx.history.push(logs);
    const improved = logs.valLoss < this.ctx.bestValLoss; // false for a skipped (NaN) validation
    if (improved) this.ctx.bestValLoss = logs.valLoss;
    const state: CheckpointState = {
      version: 1,
      specHash: this.ctx.specHash,
      epoch: logs.epoch,
      phase: this.ctx.phase,
      rng: this.ctx.rng.snapshot,
      learningRate: control.getLearningRate(),
      learningRates: control.learningRates(),
      history: this.ctx.history,
      callbacks: { ...this.ctx.callbackStates(), bestValLoss: this.ctx.bestValLoss },
    };
    await writeCheckpoint(join(this.ctx.dir, 'last'), control.model, this.ctx.optimizers, state);
    if (improved) await writeCheckpoint(join(this.ctx.dir, 'best'), control.model, this.ctx.optimizers, state);
    this.ctx.onWritten?.(logs.epoch);
  }
}
