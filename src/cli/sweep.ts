// `finetune sweep`: cut × plan × seed as ordinary runs sharing one forward pass, then a table, the recommendation and the Pareto sets.
import { basename, resolve } from 'node:path';
import { parseCuts, parsePlans, parseSeedCount, seedList, type Parsed } from '../shared/sweepGrid';
import { planLabel, type SweepEvent, type SweepFile } from '../shared/sweep';
import { resumeSweep, runSweep, type SweepOptions, type SweepOutcome } from '../engine/sweep/runSweep';
import { optionalNumber, parse, requireString } from './args';
import { EXIT_CANCELLED, EXIT_FAILURE, UsageError } from './errors';
import { EventPrinter, formatMs } from './report';
import { resolveModelArg } from './modelArg';
import { parseBackend } from './train';
import { RECOMMEND_TOLERANCE } from '../engine/sweep/recommend';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export const SWEEP_USAGE = `finetune sweep --model DIR|ID|URL --data DIR [--cuts A,B,…|auto] [--train head,top:K,all,A+B,…] [--seeds N]
  [--epochs N] [--batch N] [--lr N] [--backend tensorflow|wasm|cpu] [--runs DIR] [--name NAME] [--json]
finetune sweep --resume SWEEPDIR [--json]`;

export async function sweepCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    model: { type: 'string' },
    data: { type: 'string' },
    cuts: { type: 'string' },
    train: { type: 'string' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    backend: { type: 'string' },
    runs: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    resume: { type: 'string' },
  });
  const json = values.json === true;
  if (values.resume !== undefined) return finish(await withCli((o) => resumeSweep(resolve(values.resume!), o), json), json);

  const seeds = parsed(parseSeedCount(values.seeds ?? '1'), '--seeds');
  if (values.name !== undefined && !/^[\w.-]{1,48}$/.test(values.name)) throw new UsageError(`--name ${values.name}: use letters, digits, '.', '_' or '-' (at most 48)`);
  const dataDir = resolve(requireString(values.data, '--data'));
  const name = values.name ?? (basename(dataDir).replace(/[^\w.-]+/g, '_').slice(0, 48) || 'data');
  const cuts = parsed(parseCuts(values.cuts ?? 'auto'), '--cuts');
  const plans = parsed(parsePlans(values.train ?? 'head'), '--train');
  const model = await resolveModelArg(requireString(values.model, '--model'));
  const base = {
    modelDir: model.dir,
    dataDir,
    epochs: optionalNumber(values.epochs, '--epochs'),
    batchSize: optionalNumber(values.batch, '--batch'),
    learningRate: optionalNumber(values.lr, '--lr'),
    backend: parseBackend(values.backend),
  };
  const request = { base, runsDir: resolve(values.runs ?? '.finetune/runs'), cuts, plans, seeds: seedList(seeds), name };
  return finish(await withCli((o) => runSweep(request, o), json), json);
}

function parsed<T>(result: Parsed<T>, flag: string): T {
  if (!result.ok) throw new UsageError(`${flag} ${result.error}`);
  return result.value;
}

/** Runs a sweep with member lines, per-run progress and Ctrl-C handling (first: stop after the current batch; second: exit now). */
async function withCli(start: (options: SweepOptions) => Promise<SweepOutcome>, json: boolean): Promise<SweepOutcome> {
  const out = json ? process.stderr : process.stdout;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_CANCELLED);
    process.stderr.write('\nStopping the sweep at the next batch boundary (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const printers = new Map<string, EventPrinter>();
  const onEvent = (e: SweepEvent): void => {
    if (e.type === 'sweepStart') out.write(`Sweep ${e.dir}: ${e.candidates} candidates, ${e.members} runs (${e.todo} to run)\n`);
    if (e.type === 'sharedPass') out.write(`Shared pass: ${e.outputs} cut activations for ${e.images} images in ${formatMs(e.ms)} (one forward pass)\n`);
    if (e.type === 'member') out.write(memberLine(e) + '\n');
    if (e.type === 'run' && e.event.type !== 'health' && e.event.type !== 'backend') {
      if (!printers.has(e.id)) printers.set(e.id, new EventPrinter(out, `  [${e.id}] `));
      printers.get(e.id)!.onEvent(e.event);
    }
  };
  try {
    return await start({ onEvent, signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function memberLine(e: Extract<SweepEvent, { type: 'member' }>): string {
  const head = `[${e.index}/${e.total}] ${e.id}: cut ${e.cut}, train ${e.plan}, seed ${e.seed}`;
  const eta = e.etaMs === null ? '' : `; sweep ETA ${formatMs(e.etaMs)}`;
  if (e.status === 'start') return `${head}${eta}`;
  if (e.status === 'failed') return `${head}: failed: ${e.error}`;
  return `${head}: val acc ${e.valAccuracy?.toFixed(4)}${eta}`;
}

function finish(outcome: SweepOutcome, json: boolean): number {
  const out = json ? process.stderr : process.stdout;
  const { record } = outcome;
  printTable(out, record);
  const failed = record.members.filter((m) => m.status === 'failed');
  if (outcome.cancelled) out.write(`Sweep stopped; continue it with: finetune sweep --resume ${outcome.dir}\n`);
  if (failed.length) out.write(`${failed.length} run(s) failed: ${failed.map((m) => `${m.id} (${m.error})`).join('; ')}\n`);
  if (json) process.stdout.write(JSON.stringify({ dir: outcome.dir, cancelled: outcome.cancelled, ...record.summary, rows: record.rows, failed: failed.map((m) => ({ id: m.id, error: m.error })) }) + '\n');
  return outcome.cancelled ? EXIT_CANCELLED : failed.length ? EXIT_FAILURE : 0;
}

function printTable(out: NodeJS.WriteStream, record: SweepFile): void {
  const w = (s: string) => out.write(s + '\n');
  const { recommended, paretoTrainingTime, paretoInferenceTime } = record.summary;
  w(`${'cand'.padEnd(5)} ${'cut'.padEnd(24)} ${'train'.padEnd(10)} ${'val acc'.padStart(15)} ${'train'.padStart(7)} ${'extract'.padStart(7)} ${'trainable'.padStart(10)} ${'size'.padStart(9)} ${'ms/img@1'.padStart(9)} ${'ms/img@32'.padStart(9)}`);
  for (const r of record.rows) {
    const acc = `${r.valAccuracy.mean.toFixed(4)}±${r.valAccuracy.std.toFixed(4)}`;
    const mark = `${r.id === recommended ? '*' : ''}${paretoTrainingTime.includes(r.id) ? 't' : ''}${paretoInferenceTime.includes(r.id) ? 'i' : ''}`;
    w(
      `${r.id.padEnd(5)} ${r.cut.slice(0, 24).padEnd(24)} ${planLabel(r.plan).slice(0, 10).padEnd(10)} ${acc.padStart(15)} ${seconds(r.trainingMs).padStart(7)} ${seconds(r.extractionMs).padStart(7)} ${r.trainableParams.toLocaleString('en-US').padStart(10)} ${`${(r.modelBytes / 1024).toFixed(0)}K`.padStart(9)} ${r.inference.batch1Ms.toFixed(3).padStart(9)} ${r.inference.batch32Ms.toFixed(3).padStart(9)} ${mark}`,
    );
  }
  const name = (id: string | null) => record.rows.find((r) => r.id === id);
  const rec = name(recommended);
  if (rec) w(`Recommended: ${rec.id} (cut ${rec.cut}, train ${planLabel(rec.plan)}): the cheapest at inference within ${RECOMMEND_TOLERANCE * 100} point(s) of the best accuracy  [* recommended, t/i Pareto-optimal by training/inference time]`);
  w(`Pareto (accuracy vs training time): ${paretoTrainingTime.join(', ') || '-'}; (accuracy vs inference time): ${paretoInferenceTime.join(', ') || '-'}`);
}
