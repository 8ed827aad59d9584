// The heat strip's colour scale: log10 of the update ratio from 1e-6 (blue)
// through 1e-3 (green) to 1e-1 (red). Pure (no DOM), so it is unit-tested.

const LOW = -6;
const HIGH = -1;

/** An `hsl()` colour for an update ratio; 0 or less (no update) is the low end. */
export function heatColor(updateRatio: number): string {
  const log = updateRatio > 0 && Number.isFinite(updateRatio) ? Math.log10(updateRatio) : LOW;
  const t = Math.min(1, Math.max(0, (log - LOW) / (HIGH - LOW)));
  return `hsl(${Math.round(240 * (1 - t))}, 70%, 45%)`;
}
