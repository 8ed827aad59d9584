// The default training budget: the rule (shared/budget.ts, which the
// dashboard also uses to say what "Auto" will mean) applied to a spec, with
// the values the spec gives winning.
import type { TrainSpec } from '../../shared/trainSpec';
import { MAX_EPOCHS, MIN_EPOCHS, MIN_STEPS, autoBudget } from '../../shared/budget';

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
  const { epochs, stepsPerEpoch, patience: autoPatience } = autoBudget(trainCount, spec.batchSize);
  const patience = spec.earlyStoppingPatience ?? autoPatience;
  const steps = epochs * stepsPerEpoch;
  return {
    epochs,
    earlyStoppingPatience: patience,
    reason: `Budget: ${epochs} epochs (${steps} steps of ${stepsPerEpoch} per epoch for ${trainCount} training images; at least ${MIN_STEPS} steps, ${MIN_EPOCHS}–${MAX_EPOCHS} epochs), early stopping after ${patience} epochs without a better validation loss`,
  };
}
