// A sweep: every cut × plan × seed as an ordinary run, in one process,
// sharing one forward pass of the frozen network (featureBank.ts). The record
// in sweep.json is rewritten after every member, so a killed sweep resumes:
// finished members are skipped and the interrupted one continues from its
// checkpoint.
import { rmSync } from 'node:fs';
import type { z } from 'zod';
import { join } from 'node:path';
import type { BackendReport } from '../../shared/events';
import type { TrainPlan } from '../../shared/trainSpec';
import { planLabel, SweepFileSchema, type InferenceTiming, type SweepEvent, type SweepFile } from '../../shared/sweep';
import { tf } from '../tf';
import { selectBackend } from '../backend/select';
import { loadLayersModelFromDir } from '../model/load';
import { detectModelFormat } from '../sources/resolve';
import { scanDataset, type Dataset } from '../data/dataset';
import { preprocessingFor } from '../model/preprocessingFor';
import { defaultPreprocessing } from '../model/transfer';
import { TrainSetupError } from '../train/errors';
import { autoCuts } from './autoCuts';
import { expandGrid } from './grid';
import { memberBoundaries, passOutputs } from './boundaries';
import { FeatureBank } from './featureBank';
import { measureInference } from './measure';
import { findMemberRun, runMember } from './member';
import { SweepDir } from './sweepDir';

/** What every member shares, before defaults: a training spec without cut, train, seed, name and runsDir. */
export type SweepBaseInput = z.input<typeof SweepFileSchema.shape.base>;

export interface SweepRequest {
  base: SweepBaseInput;
  /** Parent of the sweep folder. */
  runsDir: string;
  cuts: string[] | 'auto';
  plans: TrainPlan[];
  seeds: number[];
  /** Label for the sweep folder name. */
  name: string;
}

export interface SweepOptions {
  onEvent: (event: SweepEvent) => void;
  /** Aborting stops the member in progress at a batch boundary (it keeps its checkpoint) and runs no more. */
  signal?: AbortSignal;
  selectBackend?: typeof selectBackend;
  cacheBudgetBytes?: number;
  /** Replaces the inference timing (tests that count forward passes leave timing out of the count). */
  measure?: (modelDir: string) => Promise<InferenceTiming>;
  /** Called after each member checkpoint is on disk (tests use it to kill a sweep at a known point). */
  onCheckpoint?: (epoch: number) => void;
}

export interface SweepOutcome {
  dir: string;
  record: SweepFile;
  cancelled: boolean;
}

/** Checks the request and the whole grid (nothing runs on bad input), creates the sweep folder, and runs it. */
export async function runSweep(request: SweepRequest, options: SweepOptions): Promise<SweepOutcome> {
  const parsed = SweepFileSchema.shape.base.safeParse(request.base);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrainSetupError(`invalid sweep settings: ${issue.path.join('.') || 'settings'}: ${issue.message}`);
  }
  const base = parsed.data;
  const env = await prepare(base.modelDir, base.backend, options);
  try {
    const cuts = request.cuts === 'auto' ? autoCuts(env.model) : request.cuts;
    const members = expandGrid(env.model, { cuts, plans: request.plans, seeds: request.seeds });
    const dataset = await scanChecked(base, request.seeds[0]);
    const sweep = SweepDir.create(request.runsDir, request.name);
    const record = sweep.save({
      version: 1,
      base,
      grid: { cuts, plans: request.plans, seeds: request.seeds, autoCuts: request.cuts === 'auto' },
      members: members.map((m) => ({ ...m, id: `${m.candidate}-s${m.seed}`, status: 'pending' as const })),
      rows: [],
      summary: { recommended: null, paretoTrainingTime: [], paretoInferenceTime: [] },
    });
    return await execute(sweep, record, env, dataset, options);
  } finally {
    env.dispose();
  }
}

/** Continues a sweep from its sweep.json: finished members are skipped, an interrupted one resumes from its checkpoint. */
export async function resumeSweep(dir: string, options: SweepOptions): Promise<SweepOutcome> {
  const { sweep, record } = SweepDir.open(dir);
  const env = await prepare(record.base.modelDir, record.base.backend, options);
  try {
    for (const m of record.members) if (m.status !== 'done') m.runDir = findMemberRun(sweep.runsDir, m.id);
    const dataset = await scanChecked(record.base, record.grid.seeds[0]);
    return await execute(sweep, record, env, dataset, options);
  } finally {
    env.dispose();
  }
}

interface Env {
  model: tf.LayersModel;
  backend: BackendReport;
  /** Puts the sweep's backend back (a member may have moved training to cpu). */
  restoreBackend: () => Promise<void>;
  dispose: () => void;
}

async function prepare(modelDir: string, requested: SweepFile['base']['backend'], options: SweepOptions): Promise<Env> {
  if ((await detectModelFormat(modelDir)) === 'graph') throw new TrainSetupError(`${modelDir}: sweeps need a Layers model (a Graph model has no layers to cut at)`);
  const backend = await (options.selectBackend ?? selectBackend)({ requested });
  const tfName = tf.getBackend();
  const model = await loadLayersModelFromDir(modelDir);
  return {
    model,
    backend,
    restoreBackend: async () => void (await tf.setBackend(tfName)),
    dispose: () => model.weights.forEach((w) => w.read().isDisposed || w.dispose()),
  };
}

/** The dataset as the first seed splits it; its files are the same for every seed. Fewer than 2 classes stops the sweep before it starts. */
async function scanChecked(base: SweepFile['base'], seed: number): Promise<Dataset> {
  const dataset = await scanDataset(base.dataDir, { validationSplit: base.validationSplit, seed });
  if (dataset.classes.length < 2) throw new TrainSetupError(`${dataset.root}: found ${dataset.classes.length} class folder(s); at least 2 are needed`);
  return dataset;
}

async function execute(sweep: SweepDir, initial: SweepFile, env: Env, dataset: Dataset, options: SweepOptions): Promise<SweepOutcome> {
  let record = initial;
  const emit = options.onEvent;
  const todo = record.members.filter((m) => m.status !== 'done');
  emit({ type: 'sweepStart', dir: sweep.dir, members: record.members.length, todo: todo.length, candidates: new Set(record.members.map((m) => m.candidate)).size });
  let bank: Awaited<ReturnType<typeof sharedPass>> = null;
  let cancelled = false;
  try {
    // Cancelled during the pass, nothing has run: the sweep resumes from its first member.
    bank = todo.length ? await sharedPass(sweep, record, env, dataset, todo, options) : null;
    if (bank) record = sweep.save({ ...record, sharedPass: { images: bank.bank.images, outputs: bank.outputs, ms: bank.bank.ms } });
    const times: number[] = [];
    for (const [i, member] of todo.entries()) {
      const started = performance.now();
      const eta = () => (times.length ? (times.reduce((a, b) => a + b, 0) / times.length) * (todo.length - times.length) : null);
      const tell = (status: 'start' | 'done' | 'failed', extra: { valAccuracy?: number; error?: string } = {}) =>
        emit({ type: 'member', index: i + 1, total: todo.length, id: member.id, cut: member.cut, plan: planLabel(member.plan), seed: member.seed, status, etaMs: eta(), ...extra });
      member.status = 'running';
      record = sweep.save(record);
      tell('start');
      try {
        const outcome = await runMember(member, {
          base: record.base,
          runsDir: sweep.runsDir,
          runOptions: { signal: options.signal, selectBackend: async () => (await env.restoreBackend(), env.backend), features: bank?.bank, cacheBudgetBytes: options.cacheBudgetBytes, onCheckpoint: options.onCheckpoint },
          onEvent: (event) => emit({ type: 'run', id: member.id, event }),
          measure: options.measure ?? measureInference,
          restoreBackend: env.restoreBackend,
          sharedPassShareMs: bank ? bank.bank.ms / bank.sharers : 0,
        });
        member.runDir = outcome.runDir;
        if (outcome.result.stopReason === 'cancelled') {
          cancelled = true; // stays 'running': a resume continues it from its last checkpoint
          break;
        }
        Object.assign(member, { status: 'done', result: outcome.measured, error: undefined });
        times.push(performance.now() - started);
        tell('done', { valAccuracy: outcome.measured.valAccuracy });
      } catch (err) {
        if (options.signal?.aborted) {
          member.runDir = findMemberRun(sweep.runsDir, member.id);
          cancelled = true;
          break;
        }
        const error = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 500);
        Object.assign(member, { status: 'failed', error });
        tell('failed', { error });
      } finally {
        record = sweep.save(record);
      }
    }
  } finally {
    bank?.bank.dispose();
    rmSync(join(sweep.dir, 'cache'), { recursive: true, force: true });
  }
  emit({ type: 'sweepDone', dir: sweep.dir, cancelled, record });
  return { dir: sweep.dir, record, cancelled };
}

/** Runs the frozen network once for every member still to run that can share it; null when none can. */
async function sharedPass(sweep: SweepDir, record: SweepFile, env: Env, dataset: Dataset, todo: SweepFile['members'], options: SweepOptions) {
  const { base } = record;
  const boundaries = memberBoundaries(env.model, todo, base, dataset.classes.length);
  const layers = passOutputs(boundaries);
  if (layers.length === 0) return null;
  const samples = [...dataset.train, ...dataset.validation];
  const bank = await FeatureBank.build(env.model, layers, samples, {
    pre: preprocessingFor(base, () => defaultPreprocessing(env.model)),
    batchSize: base.batchSize,
    cacheDir: join(sweep.dir, 'cache'),
    cacheBudgetBytes: options.cacheBudgetBytes,
    emit: (event) => options.onEvent({ type: 'run', id: 'shared-pass', event }),
    signal: options.signal,
  });
  options.onEvent({ type: 'sharedPass', images: bank.images, outputs: layers.length, ms: bank.ms });
  return { bank, outputs: layers.length, sharers: boundaries.filter((b) => b !== null).length };
}
