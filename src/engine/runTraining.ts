// The one orchestrator: the CLI and the VS Code trainer process both call
// runTraining(spec, { onEvent, signal }) and get events plus a RunResult.
// Every kind of model reaches it as a ModelSource (pipeline/source.ts): a
// frozen feature extractor plus a trainable Layers model. Everything the run
// allocates is owned by one Owner from the moment it exists and released by
// the one `finally` below.
import { basename, join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import type { RunResult, TrainEvent } from '../shared/events';
import type { Preprocessing } from '../shared/preprocessing';
import { TrainSpecSchema, type TrainSpec, type TrainSpecInput } from '../shared/trainSpec';
import { tf } from './tf';
import { selectBackend } from './backend/select';
import { scanDataset, type Dataset } from './data/dataset';
import { augmentBatch } from './data/augment';
import { Rng } from './util/rng';
import { RunDir } from './run/runDir';
import { restoreWeights } from './run/checkpoint';
import { preprocessingFor } from './model/preprocessingFor';
import { trainingBackend } from './train/backendPlan';
import { TrainSetupError, errorLine } from './train/errors';
import { balancedClassWeights } from './train/loss';
import { runPhases } from './train/phases';
import { prepareInputs, type PrecomputedFeatures } from './train/inputs';
import { finalEvaluation } from './train/finalEvaluation';
import { disposeResume, runResult } from './train/runResult';
import { Owner } from './pipeline/owner';
import { openModelSource } from './pipeline/sources';
import { readResumePoint } from './pipeline/resume';
import type { TrainingModel } from './pipeline/source';

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
  } catch (err) {
    options.onEvent({ type: 'error', message: errorLine(err) });
    throw err;
  }
}

function parseSpec(input: TrainSpecInput): TrainSpec {
  const parsed = TrainSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TrainSetupError(`invalid training spec: ${issue.path.join('.') || 'spec'}: ${issue.message}`);
}

async function run(spec: TrainSpec, options: RunTrainingOptions, resumeDir?: RunDir): Promise<RunResult> {
  const emit = options.onEvent;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, message });
  const fromScratch = options.fromScratch === true;
  const owner = new Owner();
  try {
    const resume = resumeDir && owner.own(readResumePoint(resumeDir, emit), disposeResume);
    const backend = await (options.selectBackend ?? selectBackend)({ requested: spec.backend });
    emit({ type: 'backend', report: backend });
    const source = owner.own(await openModelSource(spec, fromScratch), (s) => s.dispose());
    const dataset = await scanDataset(spec.dataDir, { validationSplit: spec.validationSplit, seed: spec.seed });
    emit({ type: 'health', report: dataset.health });
    checkDataset(dataset);
    const pre = preprocessingFor(spec, () => source.guessPreprocessing());
    checkInputFits(source.inputShape, pre);
    const model = source.prepare({ spec, numClasses: dataset.classes.length, fromScratch, log });
    emit({ type: 'plan', ...model.plan, featureCache: model.extractor !== undefined });

    const runDir = resume?.runDir ?? newRunDir(spec, fromScratch);
    owner.own(runDir.cacheDir, (dir) => rmSync(dir, { recursive: true, force: true }));
    const inputs = owner.own(
      await prepareInputs({ dataset, pre, extractor: model.extractor, precomputed: options.features && { features: options.features, outputs: model.plan.boundary }, batchSize: spec.batchSize, cacheDir: runDir.cacheDir, cacheBudgetBytes: options.cacheBudgetBytes, decodeChunk: options.decodeChunk, emit, signal: options.signal }),
      (i) => i.dispose(),
    );
    await moveToTrainingBackend(backend.name, model, log);
    if (resume) restoreWeights(model.trained, resume.checkpoint.weights, join(runDir.checkpointsDir, 'last'));
    const outcome = await runPhases({
      spec,
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
      signal: options.signal,
      checkpoints: { dir: runDir.checkpointsDir, specHash: runDir.specHash(), onWritten: options.onCheckpoint },
      resume: resume && { checkpoint: resume.checkpoint, bestWeights: resume.bestWeights },
    });
    if (outcome.stopReason === 'cancelled') log('Cancelled at a batch boundary; saving the model as it is', 'warn');
    const evaluation = finalEvaluation(model.trained, model.batchPrefix, inputs.validation, dataset.classes, spec.batchSize);
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

/**
 * The trained part moves to cpu when the active backend lacks a gradient
 * kernel it needs (backendPlan.ts). A frozen prefix run on every batch must
 * then move too, since the loop runs both on one backend.
 */
async function moveToTrainingBackend(selected: RunResult['backend'], model: TrainingModel, log: (message: string, level: 'warn') => void): Promise<void> {
  const target = trainingBackend(selected, model.trained);
  if (!target.reason) return;
  if (!model.batchPrefix) {
    log(`Training on ${target.name}: ${target.reason}`, 'warn');
    await tf.setBackend(target.name);
  } else {
    log(`Training on cpu: ${target.reason}, and without the feature cache the prefix runs there too`, 'warn');
    await tf.setBackend('cpu');
  }
}

function checkDataset(dataset: Dataset): void {
  if (dataset.classes.length < 2) throw new TrainSetupError(`${dataset.root}: found ${dataset.classes.length} class folder(s); at least 2 are needed`);
  if (dataset.train.length === 0) throw new TrainSetupError(`${dataset.root}: no training images`);
  if (dataset.validation.length === 0) throw new TrainSetupError(`${dataset.root}: no validation images (raise --validation-split or add a validation/ folder)`);
}

/** A preprocessing that feeds the wrong size would fail deep inside the model; say so plainly instead. */
function checkInputFits(inputShape: (number | null)[], pre: Preprocessing): void {
  const [, h, w, c] = inputShape;
  const got = [pre.height, pre.width, pre.channels];
  if ([h, w, c].some((d, i) => d !== null && d !== undefined && d !== got[i])) {
    throw new TrainSetupError(`the model takes ${h ?? '?'}×${w ?? '?'}×${c ?? '?'} images, but the preprocessing gives ${pre.height}×${pre.width}×${pre.channels}`);
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 64) || 'run';
}
