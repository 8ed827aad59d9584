// The sweep's verdict: the candidate to recommend and the Pareto sets.
import type { CandidateRow, SweepSummary } from '../../shared/sweep';
import { paretoFront } from '../../shared/pareto';

/** Mean accuracies this close to the best count as equally good when recommending. */
export const RECOMMEND_TOLERANCE = 0.01;

/**
 * The recommended candidate is the cheapest at inference (batch 1) among
 * those whose mean validation accuracy is within RECOMMEND_TOLERANCE of the
 * best; the Pareto sets are by training time and by batch-1 inference time.
 */
export function summarize(rows: CandidateRow[]): SweepSummary {
  const ids = (cost: (r: CandidateRow) => number) => paretoFront(rows.map((r) => ({ id: r.id, accuracy: r.valAccuracy.mean, cost: cost(r) }))).map((p) => p.id);
  const finite = rows.filter((r) => Number.isFinite(r.valAccuracy.mean));
  const best = Math.max(...finite.map((r) => r.valAccuracy.mean));
  const close = finite.filter((r) => r.valAccuracy.mean >= best - RECOMMEND_TOLERANCE);
  close.sort((a, b) => a.inference.batch1Ms - b.inference.batch1Ms || b.valAccuracy.mean - a.valAccuracy.mean);
  return {
    recommended: close[0]?.id ?? null,
    paretoTrainingTime: ids((r) => r.trainingMs),
    paretoInferenceTime: ids((r) => r.inference.batch1Ms),
  };
}
