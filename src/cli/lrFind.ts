// `finetune lr-find`: the learning-rate sweep from a terminal. Prints a
// summary with the suggested rate and a small plot; `--json` prints the
// whole series (for a plot elsewhere) on stdout, `--out FILE` writes it.
import { resolve } from 'node:path';
import type { LrFindResult } from '../shared/lrFind';
import type { TrainSpecInput } from '../shared/trainSpec';
import { runLrFind } from '../engine/lrFind';
import { writeFileAtomicSync } from '../engine/run/atomic';
import { optionalNumber, parse, parsePlan, requireString } from './args';
import { UsageError } from './errors';
import { EventPrinter } from './report';
import { resolveModelArg } from './modelArg';
import { parseBackend } from './train';

export const LR_FIND_USAGE = `finetune lr-find --model DIR|ID|URL --data DIR [--cut LAYER|NODE] [--train head|top:K|all|fine-tune|gradual|A,B]
  [--optimizer adam|sgd|rmsprop] [--batch N] [--batches N] [--seed N] [--backend NAME] [--out FILE] [--json]`;

export async function lrFindCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    model: { type: 'string' },
    data: { type: 'string' },
    cut: { type: 'string' },
    train: { type: 'string' },
    optimizer: { type: 'string' },
    batch: { type: 'string' },
    batches: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const optimizer = values.optimizer;
  if (optimizer !== undefined && !['adam', 'sgd', 'rmsprop'].includes(optimizer)) throw new UsageError(`--optimizer ${optimizer}: expected adam, sgd or rmsprop`);
  const batches = optionalNumber(values.batches, '--batches');
  if (batches !== undefined && !(Number.isInteger(batches) && batches >= 5 && batches <= 10_000)) throw new UsageError(`--batches ${values.batches}: expected a whole number from 5 to 10000`);
  const dataDir = resolve(requireString(values.data, '--data'));
  const model = await resolveModelArg(requireString(values.model, '--model'));
  const spec: TrainSpecInput = {
    modelDir: model.dir,
    dataDir,
    // Required by the spec; the sweep writes no run folder.
    runsDir: resolve('.finetune/runs'),
    cut: values.cut,
    train: parsePlan(values.train),
    optimizer: optimizer as TrainSpecInput['optimizer'],
    batchSize: optionalNumber(values.batch, '--batch'),
    seed: optionalNumber(values.seed, '--seed'),
    backend: parseBackend(values.backend),
  };
  const out = values.json ? process.stderr : process.stdout;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  let result: LrFindResult;
  try {
    result = await runLrFind(spec, { onEvent: new EventPrinter(out).onEvent, signal: controller.signal, sweep: batches ? { batches } : undefined });
  } finally {
    process.off('SIGINT', onSigint);
  }
  out.write(summary(result) + '\n');
  const json = JSON.stringify(result);
  if (values.out) writeFileAtomicSync(resolve(values.out), json + '\n');
  if (values.json) process.stdout.write(json + '\n');
  return 0;
}

/** A few lines: how the sweep ended, the suggestion and its rule, and loss against lr as a text plot. */
export function summary(result: LrFindResult): string {
  const { points, suggestion } = result;
  if (points.length === 0) return 'LR finder: no batches ran.';
  const first = points[0].lr;
  const last = points[points.length - 1].lr;
  const ending = { diverged: 'ended when the loss diverged (the expected end)', completed: 'ran every batch without diverging', cancelled: 'was cancelled' }[result.end];
  const lines = [`LR finder: ${points.length} batches from ${sci(first)} to ${sci(last)}; the sweep ${ending}.`];
  lines.push(suggestion ? `Suggested learning rate: ${sci(suggestion.lr)} (${suggestion.rule}; lowest loss at ${sci(suggestion.minLossLr)}).` : 'No suggestion: the loss never fell during the sweep.');
  lines.push(...textPlot(result));
  return lines.join('\n');
}

/** Smoothed loss against log10(lr), 12 rows × up to 60 columns; `|` marks the suggestion. */
function textPlot(result: LrFindResult, rows = 12, width = 60): string[] {
  const pts = result.points;
  const lo = Math.log10(pts[0].lr);
  const hi = Math.log10(pts[pts.length - 1].lr);
  const losses = pts.map((p) => p.smoothedLoss);
  const min = Math.min(...losses);
  // Clip the divergence tail so the useful part of the curve keeps its height.
  const max = Math.min(Math.max(...losses), min * 3);
  const col = (lr: number) => (hi === lo ? 0 : Math.round(((Math.log10(lr) - lo) / (hi - lo)) * (width - 1)));
  const grid = Array.from({ length: rows }, () => new Array<string>(width).fill(' '));
  for (const p of pts) {
    const y = Math.min(1, (p.smoothedLoss - min) / Math.max(max - min, 1e-12));
    grid[Math.round(y * (rows - 1))][col(p.lr)] = '*';
  }
  if (result.suggestion) for (const row of grid) if (row[col(result.suggestion.lr)] === ' ') row[col(result.suggestion.lr)] = '|';
  return [...grid.reverse().map((r) => `  ${r.join('')}`), `  ${sci(pts[0].lr).padEnd(width - 8)}${sci(pts[pts.length - 1].lr).padStart(8)}  (lr, log axis)`];
}

function sci(x: number): string {
  return x.toExponential(1);
}
