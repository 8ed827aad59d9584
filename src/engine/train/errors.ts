/** A one-line problem with the run's inputs (unknown layer, empty validation set, …). CLI exit code 2. */
export class TrainSetupError extends Error {
  override name = 'TrainSetupError';
}

/** The run was cancelled before any training happened, so nothing was saved. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled before training started; nothing was saved');
  }
}
