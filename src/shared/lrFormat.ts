// A learning rate as the LR finder's button, plot and messages write it: two
// significant digits in exponent form (3.2e-4), the way rates are read. The
// suggestion is applied as shown, so "Use 3.2e-4" sets 0.00032, not
// 0.000321987…. Pure: no vscode, tfjs or DOM.

/** 0.000321987 → `3.2e-4`; 2 → `2.0e0`. */
export function formatRate(lr: number): string {
  if (!Number.isFinite(lr) || lr <= 0) return String(lr);
  return lr.toExponential(1).replace('e+', 'e');
}

/** The rate as formatRate shows it, as a number. */
export function shownRate(lr: number): number {
  return Number(formatRate(lr));
}
