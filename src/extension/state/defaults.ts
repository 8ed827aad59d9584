// The state a fresh dashboard starts from: default hyperparameters (settings
// override them, see settings.ts) and a run that has not started.
import type { Hyperparameters, RunView } from '../../shared/protocol/webview';

export const DEFAULT_HYPER: Hyperparameters = {
  optimizer: 'adam',
  learningRate: 1e-3,
  batchSize: 32,
  // Auto: the budget rule picks epochs from the dataset's size, with early stopping as the guard (shared/budget.ts).
  epochs: 'auto',
  validationSplit: 0.2,
  earlyStoppingPatience: 'auto',
  twoPhase: false,
  headEpochs: 2,
  lrMultiplier: 0.1,
  augment: false,
  seed: 42,
  dropout: 0.2,
  inputRange: 'auto',
  batchNormMode: 'inference',
};

export const IDLE_RUN: RunView = {
  phase: 'idle',
  runName: null,
  epoch: 0,
  epochs: 0,
  batch: 0,
  batchesPerEpoch: 0,
  imagesPerSec: null,
  etaMs: null,
  backend: null,
  device: null,
  stage: null,
  message: null,
  outcome: null,
};
