// What a training run and an LR-finder sweep both do before the loop runs:
// pick the backend, open the model source, scan the dataset, settle the
// preprocessing and the budget, cut the model, then decode (and extract
// features for) the images. Everything allocated is handed to the caller's
// Owner at once, so the caller's one `finally` frees it.
import type { BackendReport, TrainEvent } from '../../shared/events';
import type { Preprocessing } from '../../shared/preprocessing';
import { TrainSpecSchema, type TrainSpec, type TrainSpecInput } from '../../shared/trainSpec';
import { tf } from '../tf';
import { selectBackend } from '../backend/select';
import { scanDataset, type Dataset } from '../data/dataset';
import { trainingBackend } from '../train/backendPlan';
import { TrainSetupError } from '../train/errors';
import { trainingBudget, type Budget } from '../train/budget';
import { prepareInputs, type PrecomputedFeatures, type PreparedInputs } from '../train/inputs';
import { choosePreprocessing } from '../model/preprocessingFor';
import type { Owner } from './owner';
import { openModelSource } from './sources';
import { extractorOnThreads } from '../parallel/extractPool';
import { gatherWarningFacts } from './warningFacts';
import { runWarnings, type RunWarning } from '../../shared/warnings';
import type { TrainingModel } from './source';

/** The spec with defaults applied, or a one-line error naming the first bad field. */
export function parseSpec(input: TrainSpecInput): TrainSpec {
  const parsed = TrainSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TrainSetupError(`invalid training spec: ${issue.path.join('.') || 'spec'}: ${issue.message}`);
}

export interface SetupOptions {
  emit: (event: TrainEvent) => void;
  fromScratch: boolean;
  /** Replaces backend selection (tests pin the cpu backend without probing native packages). */
  selectBackend?: typeof selectBackend;
}

export interface RunSetup {
  backend: BackendReport;
  dataset: Dataset;
  pre: Preprocessing;
  budget: Budget;
  model: TrainingModel;
  /** The classic mistakes this run makes (shared/warnings.ts); also emitted as a `warnings` event. */
  warnings: RunWarning[];
}

/** Everything up to the `plan` event; no run folder exists yet, so a setup error leaves nothing behind. */
export async function setUpRun(spec: TrainSpec, options: SetupOptions, owner: Owner): Promise<RunSetup> {
  const { emit, fromScratch } = options;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, message });
  const backend = await (options.selectBackend ?? selectBackend)({ requested: spec.backend });
  emit({ type: 'backend', report: backend });
  const source = owner.own(await openModelSource(spec, fromScratch), (s) => s.dispose());
  const dataset = await scanDataset(spec.dataDir, { validationSplit: spec.validationSplit, seed: spec.seed });
  emit({ type: 'health', report: dataset.health });
  checkDataset(dataset);
  const { preprocessing: pre, from: preprocessingFrom } = choosePreprocessing(spec, () => source.guessPreprocessing((line) => log(line)));
  checkInputFits(source.inputShape, pre);
  const budget = trainingBudget(spec, dataset.train.length);
  if (spec.epochs === undefined) log(budget.reason);
  const model = source.prepare({ spec, numClasses: dataset.classes.length, fromScratch, epochs: budget.epochs, log });
  emit({ type: 'plan', ...model.plan, featureCache: model.extractor !== undefined });
  const warnings = runWarnings(await gatherWarningFacts(spec, model, dataset, source.inputShape, preprocessingFrom));
  // Sent even when empty: the host replaces the warnings it showed before the run with this run's.
  emit({ type: 'warnings', items: warnings });
  return { backend, dataset, pre, budget, model, warnings };
}

export interface InputOptions {
  /** Where the feature cache spills when it does not fit in memory. */
  cacheDir: string;
  cacheBudgetBytes?: number;
  decodeChunk?: number;
  signal?: AbortSignal;
  /** Activations a sweep's shared pass already computed; used instead of running the extractor when they cover its boundary. */
  features?: PrecomputedFeatures;
}

/** Decodes the images (through the feature extractor when there is one) and moves to a backend that can train the model. */
export async function loadInputs(spec: TrainSpec, setup: RunSetup, options: InputOptions & { emit: SetupOptions['emit'] }, owner: Owner): Promise<PreparedInputs> {
  const { dataset, pre, model } = setup;
  // The pool's threads hold a wasm heap each: they end as soon as the features are extracted.
  const extractor = model.extractor && (await extractorOnThreads(model.extractor, spec.threads));
  if (extractor && extractor.threads > 1) options.emit({ type: 'log', level: 'info', message: `Feature extraction on ${extractor.threads} threads (one wasm instance each)` });
  let inputs: PreparedInputs;
  try {
    inputs = owner.own(
      await prepareInputs({ dataset, pre, extractor, precomputed: options.features && { features: options.features, outputs: model.plan.boundary }, batchSize: spec.batchSize, cacheDir: options.cacheDir, cacheBudgetBytes: options.cacheBudgetBytes, decodeChunk: options.decodeChunk, emit: options.emit, signal: options.signal }),
      (i) => i.dispose(),
    );
  } finally {
    await extractor?.dispose();
  }
  await moveToTrainingBackend(setup.backend.name, model, (message, level) => options.emit({ type: 'log', level, message }));
  return inputs;
}

/**
 * The trained part moves to cpu when the active backend lacks a gradient
 * kernel it needs (backendPlan.ts). A frozen prefix run on every batch must
 * then move too, since the loop runs both on one backend.
 */
async function moveToTrainingBackend(selected: BackendReport['name'], model: TrainingModel, log: (message: string, level: 'warn') => void): Promise<void> {
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
