// The default training budget's rule, shared by the engine (which applies it
// when a spec leaves `epochs` out) and the dashboard (which says what "Auto"
// will mean for the chosen dataset before the run). A fixed 10 epochs gives a
// small dataset only a handful of optimizer steps (40 images at batch 32: 20
// steps), so the budget is counted in steps, with early stopping as the guard
// against training past the best epoch. Pure: no vscode, tfjs or DOM.

/** Optimizer steps a run gets at least, when the spec leaves `epochs` out. */
export const MIN_STEPS = 300;
export const MIN_EPOCHS = 10;
export const MAX_EPOCHS = 100;

export interface AutoBudget {
  epochs: number;
  stepsPerEpoch: number;
  /** Early stopping's patience when the spec leaves it out too. */
  patience: number;
}

/** `epochs` = MIN_EPOCHS, raised until the run makes MIN_STEPS optimizer steps, capped at MAX_EPOCHS; patience a tenth of that, at least 5. */
export function autoBudget(trainCount: number, batchSize: number): AutoBudget {
  const stepsPerEpoch = Math.max(1, Math.ceil(trainCount / batchSize));
  const epochs = Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, Math.ceil(MIN_STEPS / stepsPerEpoch)));
  return { epochs, stepsPerEpoch, patience: Math.max(5, Math.round(epochs / 10)) };
}
