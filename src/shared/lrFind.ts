/** One batch of an LR-finder sweep. */
export interface LrFindPoint {
  lr: number;
  loss: number;
  /** Exponential moving average of the loss, bias-corrected (what the suggestion reads). */
  smoothedLoss: number;
}

/** A finished sweep: the series to plot (loss against lr, log axis) and the suggested rate. */
export interface LrFindResult {
  points: LrFindPoint[];
  /** `diverged` is the expected end: the loss blew up past its minimum. */
  end: 'diverged' | 'completed' | 'cancelled';
  /** Null when the loss never fell: no rate to suggest. */
  suggestion: { lr: number; minLossLr: number; rule: string } | null;
}
