// The one orchestrator: the CLI and the VS Code trainer process both call
// runTraining(spec, { onEvent, signal }) and get events plus a RunResult.
import { basename, join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import type { RunResult, TrainEvent } from '../shared/events';
import { TrainSpecSchema, type TrainSpec, type TrainSpecInput } from '../shared/trainSpec';
import { tf } from './tf';
import { selectBackend } from './backend/select';
import { loadLayersModelFromDir } from './model/load';
import { HEAD_PREFIX, applyFreeze, attachHead, defaultPreprocessing, findDefaultCut, resolveTrainable } from './model/transfer';
import { splitAtFreezeBoundary } from './model/split';
import { foldBatchNorm } from './model/foldBatchNorm';
import { catalogCut, catalogEntryForDir } from './sources/catalogDefaults';
import { scanDataset, type Dataset } from './data/dataset';
import { augmentBatch } from './data/augment';
import { Rng } from './util/rng';
import { RunDir } from './run/runDir';
import { CheckpointError, readCheckpoint, restoreWeights, type Checkpoint } from './run/checkpoint';
import { recoverDirWrite } from './run/atomic';
import { readModelPreprocessing, saveModelDir } from './run/saveModel';
import { trainingBackend } from './train/backendPlan';
import { TrainSetupError } from './train/errors';
import { balancedClassWeights } from './train/loss';
import { reinitializeWeights } from './train/reinit';
import { runPhases, type Phase } from './train/phases';
import { prepareInputs, type PreparedInputs } from './train/inputs';
import { finalEvaluation } from './train/finalEvaluation';
import { disposeResume, runResult, type ResumePoint } from './train/runResult';
import { detectModelFormat } from './sources/resolve';
import { runGraphTraining } from './graphTraining';

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
}


export async function runTraining(input: TrainSpecInput, options: RunTrainingOptions): Promise<RunResult> {
  const emit = options.onEvent;
  try {
    return await run(parseSpec(input), options);
  } catch (err) {
    emit({ type: 'error', message: oneLine(err) });
    throw err;
  }
}

/**
 * Continues an interrupted run from `<runDir>/checkpoints/last` (or, when that
 * one is damaged, from `best`), with its own spec.json: same epochs, optimizer
 * state, shuffle order and dropout seeds as if it had never stopped.
 */
export async function resumeTraining(runDirPath: string, options: RunTrainingOptions): Promise<RunResult> {
  const emit = options.onEvent;
  try {
    let runDir: RunDir;
    let spec: TrainSpec;
    try {
      runDir = RunDir.open(runDirPath);
      spec = parseSpec(JSON.parse(readFileSync(runDir.specFile, 'utf8')) as TrainSpecInput);
    } catch (err) {
      throw new TrainSetupError(`cannot resume ${runDirPath}: ${oneLine(err)}`);
    }
    const hash = runDir.specHash();
    for (const which of ['last', 'best']) recoverDirWrite(join(runDir.checkpointsDir, which));
    let checkpoint: Checkpoint;
    try {
      checkpoint = readCheckpoint(join(runDir.checkpointsDir, 'last'), hash);
    } catch (lastErr) {
      try {
        checkpoint = readCheckpoint(join(runDir.checkpointsDir, 'best'), hash);
        emit({ type: 'log', level: 'warn', message: `${oneLine(lastErr)}; resuming from the best checkpoint (epoch ${checkpoint.state.epoch}) instead` });
      } catch {
        throw new CheckpointError(`cannot resume ${runDirPath}: ${oneLine(lastErr)}, and no usable best checkpoint`);
      }
    }
    let bestWeights: tf.Tensor[] | undefined;
    try {
      bestWeights = readCheckpoint(join(runDir.checkpointsDir, 'best'), hash).weights;
    } catch {
      bestWeights = undefined; // early stopping then restarts its "best" from the resumed weights
    }
    runDir.restoreMetrics(checkpoint.state.epoch);
    emit({ type: 'log', level: 'info', message: `Resuming ${runDir.dir} after epoch ${checkpoint.state.epoch}` });
    return await run(spec, options, { runDir, checkpoint, bestWeights });
  } catch (err) {
    emit({ type: 'error', message: oneLine(err) });
    throw err;
  }
}

function parseSpec(input: TrainSpecInput): TrainSpec {
  const parsed = TrainSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TrainSetupError(`invalid training spec: ${issue.path.join('.') || 'spec'}: ${issue.message}`);
}

async function run(spec: TrainSpec, options: RunTrainingOptions, resume?: ResumePoint): Promise<RunResult> {
  // Graph models train a head on frozen features, in their own orchestrator.
  if ((await detectModelFormat(spec.modelDir)) === 'graph') return runGraphTraining(spec, options, resume);
  const emit = options.onEvent;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, message });

  const backend = await (options.selectBackend ?? selectBackend)({ requested: spec.backend });
  emit({ type: 'backend', report: backend });

  const base = await loadLayersModelFromDir(spec.modelDir);
  if (options.fromScratch) reinitializeWeights(base, spec.seed);
  const dataset = await scanDataset(spec.dataDir, { validationSplit: spec.validationSplit, seed: spec.seed });
  emit({ type: 'health', report: dataset.health });
  checkDataset(dataset);

  const fromCatalog = spec.cut ? undefined : catalogCut(base, spec.modelDir);
  const cut = spec.cut ?? fromCatalog ?? findDefaultCut(base);
  log(spec.cut ? `Cut at ${cut}` : fromCatalog ? `Cut at ${cut} (the catalog's default for this model)` : `Cut at ${cut} (auto-detected: the last feature layer before the classifier)`);
  const model = attachHead(base, { cut, numClasses: dataset.classes.length, dropout: spec.dropout, seed: spec.seed });
  // Explicit spec, then the model folder's own preprocessing.json, then the catalog's (a downloaded model has none), then a guess from the input shape.
  const pre = spec.preprocessing ?? readModelPreprocessing(spec.modelDir) ?? catalogEntryForDir(spec.modelDir)?.preprocessing ?? defaultPreprocessing(base);
  const plan = options.fromScratch ? 'all' : spec.train;
  const phases = planPhases(model, spec, plan);
  const finalTrainable = phases[phases.length - 1].trainable;
  const freeze = (trainable: Set<string>) => applyFreeze(model, trainable, spec.batchNormMode);

  // The split sits below the lowest layer that trains in any phase, so one cache serves both phases.
  freeze(finalTrainable);
  const split = splitAtFreezeBoundary(model, finalTrainable);
  const useCache = split !== null && !spec.augment && spec.featureCache === 'auto';
  emit({
    type: 'plan',
    cut,
    trainableLayers: [...finalTrainable],
    trainableParams: model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0),
    totalParams: model.countParams(),
    featureCache: useCache,
    boundary: split?.boundary ?? [],
  });
  if (!useCache && split && spec.augment) log('Augmentation is on, so the frozen prefix runs on every batch (no feature cache)');
  // The prefix only ever predicts, so its BatchNormalization layers fold into their convolutions.
  const prefix = split ? foldBatchNorm(split.prefix).model : undefined;

  let runDir = resume?.runDir;
  if (!runDir) {
    runDir = RunDir.create(spec.runsDir, spec.name ?? (options.fromScratch ? 'scratch' : safeName(basename(spec.dataDir))));
    runDir.writeSpec(spec);
  }
  const specHash = runDir.specHash();
  let inputs: PreparedInputs | undefined;
  try {
    inputs = await prepareInputs({ dataset, pre, split: prefix ? { prefix } : null, useCache, batchSize: spec.batchSize, cacheDir: runDir.cacheDir, cacheBudgetBytes: options.cacheBudgetBytes, decodeChunk: options.decodeChunk, emit, signal: options.signal });
    const trained = split ? split.suffix : model;
    const target = trainingBackend(backend.name, trained);
    if (target.reason && (useCache || !split)) {
      log(`Training on ${target.name}: ${target.reason}`, 'warn');
      await tf.setBackend(target.name);
    } else if (target.reason) {
      log(`Training on cpu: ${target.reason}, and without the feature cache the prefix runs there too`, 'warn');
      await tf.setBackend('cpu');
    }
    if (resume) restoreWeights(trained, resume.checkpoint.weights, join(runDir.checkpointsDir, 'last'));
    const rng = new Rng(resume ? resume.checkpoint.state.rng : spec.seed);
    const outcome = await runPhases({
      spec,
      phases,
      model: trained,
      prefix: useCache ? undefined : prefix,
      freeze,
      train: inputs.train,
      validation: inputs.validation,
      rng,
      classWeights: spec.classWeights === 'balanced' ? balancedClassWeights(inputs.train.y, dataset.classes.length) : undefined,
      transform: spec.augment ? (x, r) => augmentBatch(x as tf.Tensor4D, r, { flip: pre.channels === 3 }) : undefined,
      emit,
      onEpoch: (logs) => runDir.appendMetrics(logs),
      signal: options.signal,
      checkpoints: { dir: runDir.checkpointsDir, specHash, onWritten: options.onCheckpoint },
      resume: resume && { checkpoint: resume.checkpoint, bestWeights: resume.bestWeights },
    });
    if (outcome.stopReason === 'cancelled') log('Cancelled at a batch boundary; saving the model as it is', 'warn');
    const evaluation = await finalEvaluation(trained, useCache ? undefined : prefix, inputs.validation, dataset.classes, spec.batchSize);
    await saveModelDir(model, runDir.modelDir, dataset.classes, pre);
    const result = runResult(runDir, backend.name, outcome, evaluation);
    emit({ type: 'done', result });
    return result;
  } finally {
    inputs?.dispose();
    disposeResume(resume);
    rmSync(runDir.cacheDir, { recursive: true, force: true });
    // base, model, prefix and suffix share layers; tfjs' container dispose()
    // stops at the first layer another container already freed, so free each
    // weight once instead.
    disposeWeights([base, model, split?.prefix, split?.suffix, prefix]);
  }
}

function disposeWeights(models: (tf.LayersModel | undefined)[]): void {
  const weights = new Set(models.flatMap((m) => m?.weights ?? []));
  for (const w of weights) if (!w.read().isDisposed) w.dispose();
}

/** One phase with the plan, or with `twoPhase` the head first and then the plan at lr × multiplier. */
function planPhases(model: tf.LayersModel, spec: TrainSpec, plan: TrainSpec['train']): Phase[] {
  const planned = resolveTrainable(model, plan);
  if (!spec.twoPhase) return [{ name: 'plan', trainable: planned, epochs: spec.epochs, learningRate: spec.learningRate }];
  const head = new Set([...planned].filter((name) => name.startsWith(HEAD_PREFIX)));
  return [
    { name: 'head', trainable: head, epochs: spec.twoPhase.headEpochs, learningRate: spec.learningRate },
    { name: 'plan', trainable: planned, epochs: spec.epochs, learningRate: spec.learningRate * spec.twoPhase.lrMultiplier },
  ];
}

function checkDataset(dataset: Dataset): void {
  if (dataset.classes.length < 2) throw new TrainSetupError(`${dataset.root}: found ${dataset.classes.length} class folder(s); at least 2 are needed`);
  if (dataset.train.length === 0) throw new TrainSetupError(`${dataset.root}: no training images`);
  if (dataset.validation.length === 0) throw new TrainSetupError(`${dataset.root}: no validation images (raise --validation-split or add a validation/ folder)`);
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 64) || 'run';
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 500);
}
