// From member runs to candidate rows (seeds aggregated) and to sweep.csv.
import { planLabel, type CandidateRow, type MemberResult, type Spread, type SweepMember } from '../../shared/sweep';

/** Mean and sample standard deviation (n − 1); one value has spread 0. */
export function spread(values: number[]): Spread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

const meanOf = (results: MemberResult[], pick: (r: MemberResult) => number) => spread(results.map(pick)).mean;

/** One row per candidate that has at least one finished member, in candidate order. */
export function candidateRows(members: SweepMember[]): CandidateRow[] {
  const byCandidate = new Map<string, SweepMember[]>();
  for (const m of members) byCandidate.set(m.candidate, [...(byCandidate.get(m.candidate) ?? []), m]);
  const rows: CandidateRow[] = [];
  for (const [id, group] of byCandidate) {
    const done = group.filter((m): m is SweepMember & { result: MemberResult; runDir: string } => m.status === 'done' && !!m.result && !!m.runDir);
    if (done.length === 0) continue;
    const results = done.map((m) => m.result);
    const best = done.reduce((a, b) => (b.result.valAccuracy > a.result.valAccuracy ? b : a));
    rows.push({
      id,
      cut: group[0].cut,
      plan: group[0].plan,
      seeds: done.length,
      valAccuracy: spread(results.map((r) => r.valAccuracy)),
      valLoss: spread(results.map((r) => r.valLoss)),
      trainingMs: meanOf(results, (r) => r.trainingMs),
      extractionMs: meanOf(results, (r) => r.extractionMs),
      trainableParams: results[0].trainableParams,
      totalParams: results[0].totalParams,
      modelBytes: Math.round(meanOf(results, (r) => r.modelBytes)),
      inference: { batch1Ms: meanOf(results, (r) => r.inference.batch1Ms), batch32Ms: meanOf(results, (r) => r.inference.batch32Ms) },
      bestRunDir: best.runDir,
    });
  }
  return rows;
}

const CSV_HEADER = [
  'candidate', 'cut', 'plan', 'seeds', 'val_acc_mean', 'val_acc_std', 'val_loss_mean', 'val_loss_std', 'training_ms', 'extraction_ms',
  'trainable_params', 'total_params', 'model_bytes', 'infer_ms_per_image_b1', 'infer_ms_per_image_b32', 'best_run_dir',
];

/** RFC 4180 quoting: layer names are user data and may hold commas or quotes. */
function cell(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(6)) : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function rowsCsv(rows: CandidateRow[]): string {
  const lines = rows.map((r) =>
    [
      r.id, r.cut, planLabel(r.plan), r.seeds, r.valAccuracy.mean, r.valAccuracy.std, r.valLoss.mean, r.valLoss.std, r.trainingMs, r.extractionMs,
      r.trainableParams, r.totalParams, r.modelBytes, r.inference.batch1Ms, r.inference.batch32Ms, r.bestRunDir,
    ].map(cell).join(','),
  );
  return [CSV_HEADER.join(','), ...lines].join('\n') + '\n';
}
