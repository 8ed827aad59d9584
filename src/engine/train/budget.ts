// The default training budget. A fixed 10 epochs gives a small dataset only a
// handful of optimizer steps (40 images at batch 32: 20 steps), so the budget
// is counted in steps instead, with early stopping as the guard against
// training past the best epoch.
import type { TrainSpec } from '../../shared/trainSpec';

/** Optimizer steps a run gets at least, when the spec leaves `epochs` out. */
export const MIN_STEPS = 300;
export const MIN_EPOCHS = 10;
export const MAX_EPOCHS = 100;

export interface Budget {
  epochs: number;
  earlyStoppingPatience: number;
  /** One line for the run log, saying which rule applied. */
  reason: string;
}

/**
 * `epochs` = MIN_EPOCHS, raised until the run makes MIN_STEPS optimizer steps,
 * capped at MAX_EPOCHS; early stopping then waits a tenth of that (at least 5
 * epochs) and restores the best weights. Given values win.
 */
export function trainingBudget(spec: Pick<TrainSpec, 'epochs' | 'earlyStoppingPatience' | 'batchSize'>, trainCount: number): Budget {
  if (spec.epochs !== undefined) {
    const patience = spec.earlyStoppingPatience ?? 0;
    return { epochs: spec.epochs, earlyStoppingPatience: patience, reason: `${spec.epochs} epochs as given` };
  }
  const stepsPerEpoch = Math.max(1, Math.ceil(trainCount / spec.batchSize));
  const epochs = Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, Math.ceil(MIN_STEPS / stepsPerEpoch)));
  const patience = spec.earlyStoppingPatience ?? Math.max(5, Math.round(epochs / 10));
  const steps = epochs * stepsPerEpoch;
  return {
    epochs,
    earlyStoppingPatience: patience,
    reason: `Budget: ${epochs} epochs (${steps} steps of ${stepsPerEpoch} per epoch for ${trainCount} training images; at least ${MIN_STEPS} steps, ${MIN_EPOCHS}–${MAX_EPOCHS} epochs), early stopping after ${patience} epochs without a better validation loss`,
  };
}
