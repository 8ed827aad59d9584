// The one orchestrator: the CLI and the VS Code trainer process both call
// runTraining(spec, { onEvent, signal }) and get events plus a RunResult.
// Every kind of model reaches it as a ModelSource (pipeline/source.ts): a
// frozen feature extractor plus a trainable Layers model. Everything the run
// allocates is owned by one Owner from the moment it exists and released by
// the one `finally` below.
import { basename, join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import type { RunResult, TrainEvent } from '../shared/events';
import type { TrainSpec, TrainSpecInput } from '../shared/trainSpec';
import { tf } from './tf';
import { selectBackend } from './backend/select';
import { augmentBatch } from './data/augment';
import { Rng } from './util/rng';
import { RunDir } from './run/runDir';
import { restoreWeights } from './run/checkpoint';
import { TrainSetupError, errorLine, explainHeapFailure } from './train/errors';
import { balancedClassWeights } from './train/loss';
import { runPhases } from './train/phases';
import { frozenChecksums, verifyFrozen } from './train/frozenCheck';
import type { Callback } from './train/callbacks';
import type { PrecomputedFeatures } from './train/inputs';
import { finalEvaluation } from './train/finalEvaluation';
import { disposeResume, runResult } from './train/runResult';
import { Owner } from './pipeline/owner';
import { readResumePoint } from './pipeline/resume';
import { loadInputs, parseSpec, setUpRun } from './pipeline/setup';

export interface RunTrainingOptions {
  onEvent: (event: TrainEvent) => void;
  /** Aborting stops training at the next batch boundary; the model so far is still evaluated and saved. */
  signal?: AbortSignal;
  /** Re-initialise every weight first and train all layers (the demo's "from scratch" baseline). */
  fromScratch?: boolean;
  /** Bytes of cached activations to keep in memory before spilling to disk. */
  cacheBudgetBytes?: number;
  /** Images decoded at a time on the feature-cache path (memory bound; default 256). */
  decodeChunk?: number;
  /** Replaces backend selection (tests pin the cpu backend without probing native packages). */
  selectBackend?: typeof selectBackend;
  /** Called after each checkpoint is on disk (tests use it to stop at a known point). */
  onCheckpoint?: (epoch: number) => void;
  /** Extra loop behaviours, run in every phase; a stateful one's state is checkpointed under its `stateKey`. */
  callbacks?: Callback[];
  /** Activations a sweep's shared pass already computed; used instead of running the extractor when they cover its boundary. */
  features?: PrecomputedFeatures;
}

export function runTraining(input: TrainSpecInput, options: RunTrainingOptions): Promise<RunResult> {
  return reportingErrors(options, () => run(parseSpec(input), options));
}

/**
 * Continues an interrupted run from `<runDir>/checkpoints/last` (or, when that
 * one is damaged, from `best`), with its own spec.json: same epochs, optimizer
 * state, shuffle order and dropout seeds as if it had never stopped.
 */
export function resumeTraining(runDirPath: string, options: RunTrainingOptions): Promise<RunResult> {
  return reportingErrors(options, () => {
    let runDir: RunDir;
    let spec: TrainSpec;
    try {
      runDir = RunDir.open(runDirPath);
      spec = parseSpec(JSON.parse(readFileSync(runDir.specFile, 'utf8')) as TrainSpecInput);
    } catch (err) {
      throw new TrainSetupError(`cannot resume ${runDirPath}: ${errorLine(err)}`);
    }
    return run(spec, options, runDir);
  });
}

async function reportingErrors(options: RunTrainingOptions, body: () => Promise<RunResult>): Promise<RunResult> {
  try {
    return await body();
  } catch (caught) {
    const err = explainHeapFailure(caught);
    options.onEvent({ type: 'error', message: errorLine(err) });
    throw err;
  }
}

async function run(spec: TrainSpec, options: RunTrainingOptions, resumeDir?: RunDir): Promise<RunResult> {
  const emit = options.onEvent;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, message });
  const fromScratch = options.fromScratch === true;
  const owner = new Owner();
  try {
    const resume = resumeDir && owner.own(readResumePoint(resumeDir, emit), disposeResume);
    const setup = await setUpRun(spec, { emit, fromScratch, selectBackend: options.selectBackend }, owner);
    const { backend, dataset, pre, budget, model } = setup;
    const runDir = resume?.runDir ?? newRunDir(spec, fromScratch);
    emit({ type: 'runFolder', dir: runDir.dir });
    owner.own(runDir.cacheDir, (dir) => rmSync(dir, { recursive: true, force: true }));
    const inputs = await loadInputs(spec, setup, { cacheDir: runDir.cacheDir, cacheBudgetBytes: options.cacheBudgetBytes, decodeChunk: options.decodeChunk, signal: options.signal, emit, features: options.features }, owner);
    if (resume) restoreWeights(model.trained, resume.checkpoint, join(runDir.checkpointsDir, 'last'));
    const frozenSums = await frozenChecksums(model.frozenLayers());
    const outcome = await runPhases({
      spec: { ...spec, earlyStoppingPatience: budget.earlyStoppingPatience },
      phases: model.phases,
      model: model.trained,
      prefix: model.batchPrefix,
      freeze: model.freeze,
      train: inputs.train,
      validation: inputs.validation,
      rng: new Rng(resume ? resume.checkpoint.state.rng : spec.seed),
      classWeights: spec.classWeights === 'balanced' ? balancedClassWeights(inputs.train.y, dataset.classes.length) : undefined,
      transform: spec.augment ? (x, r) => augmentBatch(x as tf.Tensor4D, r, { flip: pre.channels === 3 }) : undefined,
      emit,
      onEpoch: (logs) => runDir.appendMetrics(logs),
      callbacks: options.callbacks,
      signal: options.signal,
      checkpoints: { dir: runDir.checkpointsDir, specHash: runDir.specHash(), onWritten: options.onCheckpoint },
      resume: resume && { checkpoint: resume.checkpoint, bestWeights: resume.bestWeights },
    });
    emit({ type: 'frozen', ...(await verifyFrozen(frozenSums, model.frozenLayers())) });
    if (outcome.stopReason === 'cancelled') log('Cancelled at a batch boundary; saving the model as it is', 'warn');
    const evaluation = await finalEvaluation(model.trained, model.batchPrefix, inputs.validation, dataset.classes, spec.batchSize);
    await model.save(runDir.modelDir, dataset.classes, pre);
    const result = runResult(runDir, backend.name, outcome, evaluation);
    emit({ type: 'done', result });
    return result;
  } finally {
    owner.release();
  }
}

function newRunDir(spec: TrainSpec, fromScratch: boolean): RunDir {
  const runDir = RunDir.create(spec.runsDir, spec.name ?? (fromScratch ? 'scratch' : safeName(basename(spec.dataDir))));
  runDir.writeSpec(spec);
  return runDir;
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 64) || 'run';
}
