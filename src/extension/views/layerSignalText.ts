// How the Layers view shows a layer's learning signal and frozen check: a
// five-step scale of the update ratio on a log scale (one decade a step,
// centred on 1e-3, the usual healthy order) with its value in the row's
// description, and gradient norm and update ratio in the tooltip. Pure (no
// vscode), so it is unit-tested.
import type { LayerSignal } from '../../shared/events';
import { shortExp } from '../../shared/format';

const BARS = ['▁', '▂', '▃', '▅', '▇'] as const;

/** ▁ below ~3e-5 (barely moves), ▃ around 1e-3, ▇ above ~3e-2 (being overwritten). */
export function signalScale(updateRatio: number): string {
  if (!Number.isFinite(updateRatio) || updateRatio <= 0) return BARS[0];
  const step = Math.round(Math.log10(updateRatio)) + 5; // 1e-5 → 0, 1e-3 → 2, 1e-1 → 4
  return BARS[Math.min(BARS.length - 1, Math.max(0, step))];
}

/**
 * The row's description prefix: `▃ 1.2e-3 · ` (scale and update ratio), `✓ unchanged · `, or `⚠ changed · `.
 * First, because a narrow sidebar cuts a description from its end, and after a run this is what the row is for.
 */
export function signalDescription(signal: LayerSignal | undefined, frozen: 'verified' | 'changed' | undefined): string {
  const parts: string[] = [];
  if (signal) parts.push(`${signalScale(signal.updateRatio)} ${shortExp(signal.updateRatio)}`);
  if (frozen === 'verified') parts.push('✓ unchanged');
  if (frozen === 'changed') parts.push('⚠ changed');
  return parts.map((p) => `${p} · `).join('');
}

/** Tooltip lines for the same. */
export function signalTooltip(signal: LayerSignal | undefined, frozen: 'verified' | 'changed' | undefined): string[] {
  const lines: string[] = [];
  if (signal) {
    lines.push(`Learning signal (latest epoch): gradient norm ${shortExp(signal.gradNorm)}, update ratio ${shortExp(signal.updateRatio)} ${signalScale(signal.updateRatio)}`);
    lines.push('Update ratio = ‖weight update‖ / ‖weights‖ per step; around 1e-3 is healthy, far below barely learns, far above overwrites pre-trained weights.');
  }
  if (frozen === 'verified') lines.push('✓ Frozen and verified: its weights had the same sha256 at the start and the end of the run.');
  if (frozen === 'changed') lines.push('⚠ Frozen, but its weights CHANGED during the run (sha256 differs): a bug, please report it.');
  return lines;
}
