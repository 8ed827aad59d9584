/** A one-line problem with the run's inputs (unknown layer, empty validation set, …). CLI exit code 2. */
export class TrainSetupError extends Error {
  override name = 'TrainSetupError';
}

/** The loss became NaN or Infinity: training diverged. Names where, so the user can lower the learning rate. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly epoch: number,
    readonly batch: number,
    loss: number,
  ) {
    super(`training diverged: the loss became ${loss} at epoch ${epoch}, batch ${batch}; try a lower learning rate (checkpoints from earlier epochs are untouched)`);
  }
}

/** The first line of an error's message, for one-line reports. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 500);
}
