// What "Auto" will mean for a field the engine may decide, in words, under
// the field: the budget rule (shared/budget.ts) applied to the chosen
// dataset's training images and the batch size, so the user sees the epochs
// a run will get before pressing Start. Pure (no DOM), so it is unit-tested.
import type { DashboardState } from '../../shared/protocol/webview';
import { AUTO, type NumberKey } from '../../shared/hyperFields';
import { MAX_EPOCHS, MIN_EPOCHS, MIN_STEPS, autoBudget } from '../../shared/budget';

/** The line under `key`'s field; empty when the field holds a number (or cannot be Auto). */
export function autoText(key: NumberKey, state: Pick<DashboardState, 'hyper' | 'dataset'>): string {
  const h = state.hyper;
  const trainCount = state.dataset?.health?.classes.reduce((n, c) => n + c.train, 0) ?? 0;
  const budget = trainCount > 0 ? autoBudget(trainCount, h.batchSize) : null;
  if (key === 'epochs' && h.epochs === AUTO) {
    // Two phases are an explicit schedule: the budget rule does not apply to them.
    if (h.twoPhase) return 'Auto: with two phases, 10 epochs after the head-only ones.';
    const rule = `at least ${MIN_STEPS} optimizer steps, ${MIN_EPOCHS}–${MAX_EPOCHS} epochs`;
    if (!budget) return `Auto: from the dataset's size (${rule}).`;
    return `Auto: ${budget.epochs} epochs for ${trainCount.toLocaleString('en-US')} training images at batch ${h.batchSize} (${budget.stepsPerEpoch} steps each; ${rule}).`;
  }
  if (key === 'earlyStoppingPatience' && h.earlyStoppingPatience === AUTO) {
    if (h.epochs !== AUTO) return 'Auto: off, because the epochs are given.';
    const after = budget ? `${budget.patience} epochs` : 'a tenth of the epochs (at least 5)';
    return `Auto: stops after ${after} without a better validation loss, and keeps the best weights.`;
  }
  return '';
}
