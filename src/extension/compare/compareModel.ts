// What the comparison view shows, built from run-folder contents. Pure (no
// vscode, no file access), so the rules are unit-tested: compareData.ts reads
// the files and hands their text here.
import type { ComparePoint, CompareState } from '../../shared/protocol/compare';
import { planLabel, type SweepFile } from '../../shared/sweep';
import { epochHistory } from '../runs/runInfo';

const finite = (x: number | undefined | null): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function curveOf(metrics: string): ComparePoint['curve'] {
  return epochHistory(metrics).map((p) => ({ epoch: p.epoch, valAccuracy: finite(p.valAccuracy), valLoss: finite(p.valLoss) }));
}

/** Settings side by side; a row differs when its values are not all the same. */
export function configRows(configs: Record<string, string>[]): CompareState['config'] {
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))];
  return keys.map((key) => {
    const values = configs.map((c) => c[key] ?? '—');
    return { key, values, differs: new Set(values).size > 1 };
  });
}

export interface Built {
  state: CompareState;
  /** The run folder each point opens, keyed by point id. */
  runDirs: Map<string, string>;
}

/**
 * A sweep: one point per candidate with finished members, costs from its row,
 * the curve of its best seed. `metricsOf` gives a member run folder's
 * metrics.jsonl text (run folder path relative to the sweep's runs/).
 */
export function sweepState(title: string, record: SweepFile, metricsOf: (runDir: string) => string, runsDir: (runDir: string) => string): Built {
  const runDirs = new Map<string, string>();
  const points = record.rows.map((row, i): ComparePoint => {
    const id = `p${i}`;
    runDirs.set(id, runsDir(row.bestRunDir));
    return {
      id,
      label: row.id,
      detail: `cut ${row.cut} · train ${planLabel(row.plan)}${row.seeds > 1 ? ` · ${row.seeds} seeds` : ''}`,
      valAccuracy: finite(row.valAccuracy.mean),
      valAccuracyStd: row.seeds > 1 ? finite(row.valAccuracy.std) : null,
      costs: { trainingMs: finite(row.trainingMs), inferenceMs: finite(row.inference.batch1Ms), trainableParams: row.trainableParams, modelBytes: row.modelBytes },
      recommended: record.summary.recommended === row.id,
      curve: curveOf(metricsOf(row.bestRunDir)),
    };
  });
  const config = configRows(record.rows.map((row) => ({ cut: row.cut, train: planLabel(row.plan), seeds: String(row.seeds), epochs: String(record.base.epochs ?? 'auto'), learningRate: String(record.base.learningRate), batchSize: String(record.base.batchSize) })));
  return { state: { title, kind: 'sweep', points, config }, runDirs };
}

export interface RunFacts {
  dir: string;
  name: string;
  /** spec.json as parsed JSON (anything; unknown shapes show as text). */
  spec: Record<string, unknown>;
  metrics: string;
  costs: { trainableParams: number; totalParams: number; modelBytes: number; inference: { batch1Ms: number } } | null;
}

/** Settings worth comparing, in this order; paths show as their last part. */
const SPEC_KEYS = ['modelDir', 'dataDir', 'cut', 'train', 'optimizer', 'learningRate', 'batchSize', 'epochs', 'seed', 'dropout', 'validationSplit', 'earlyStoppingPatience', 'augment', 'twoPhase', 'classWeights', 'batchNormMode', 'backend'];

function specText(key: string, value: unknown): string {
  if (value === undefined) return '—';
  if ((key === 'modelDir' || key === 'dataDir') && typeof value === 'string') return value.split(/[\\/]/).filter(Boolean).slice(-2).join('/');
  if (Array.isArray(value)) return value.join('+');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * Training time of a run that is not a sweep member, from its epoch time
 * stamps: (last − first) × n / (n − 1) for n ≥ 2 epochs, since the first
 * epoch's start is not logged; null with fewer than 2.
 */
export function trainingMsFromMetrics(metrics: string): number | null {
  const times: number[] = [];
  for (const line of metrics.split('\n')) {
    try {
      const t = Date.parse((JSON.parse(line) as { time?: string }).time ?? '');
      if (Number.isFinite(t)) times.push(t);
    } catch {
      // torn or foreign lines are skipped, as the Runs view does
    }
  }
  if (times.length < 2) return null;
  return ((times[times.length - 1] - times[0]) * times.length) / (times.length - 1);
}

/** Runs chosen in the Runs view: one point each, with a config diff over their spec.json files. */
export function runsState(runs: RunFacts[]): Built {
  const runDirs = new Map<string, string>();
  const points = runs.map((run, i): ComparePoint => {
    const id = `p${i}`;
    runDirs.set(id, run.dir);
    const curve = curveOf(run.metrics);
    const accs = curve.map((p) => p.valAccuracy).filter((a): a is number => a !== null);
    return {
      id,
      label: run.name,
      detail: `cut ${specText('cut', run.spec.cut)} · train ${specText('train', run.spec.train ?? 'head')}`,
      valAccuracy: accs.length ? Math.max(...accs) : null,
      valAccuracyStd: null,
      costs: {
        trainingMs: trainingMsFromMetrics(run.metrics),
        inferenceMs: run.costs ? finite(run.costs.inference.batch1Ms) : null,
        trainableParams: run.costs?.trainableParams ?? null,
        modelBytes: run.costs?.modelBytes ?? null,
      },
      recommended: false,
      curve,
    };
  });
  const config = configRows(runs.map((r) => Object.fromEntries(SPEC_KEYS.map((k) => [k, specText(k, r.spec[k])]))));
  return { state: { title: `Compare ${runs.length} runs`, kind: 'runs', points, config }, runDirs };
}
