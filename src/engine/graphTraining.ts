// Fine-tuning a TF.js Graph model (e.g. a TF Hub feature-vector model). A
// Graph model has no layers to unfreeze and no gradients through tfjs'
// converter ops we can rely on, so it is a frozen feature extractor: it runs
// once per image, its features play the role of the feature cache, and only
// a new head (dropout + dense softmax) trains on them with the same loop,
// callbacks, checkpoints and run folder as a Layers run.
import { basename, join } from 'node:path';
import { rmSync } from 'node:fs';
import type { RunResult } from '../shared/events';
import type { Preprocessing } from '../shared/preprocessing';
import type { TrainSpec } from '../shared/trainSpec';
import { tf } from './tf';
import { selectBackend } from './backend/select';
import { loadGraphFeatureExtractor, type GraphFeatureExtractor } from './model/graphModel';
import { HEAD_PREFIX, applyFreeze } from './model/transfer';
import { scanDataset } from './data/dataset';
import { Rng } from './util/rng';
import { RunDir } from './run/runDir';
import { restoreWeights } from './run/checkpoint';
import { readModelPreprocessing } from './run/saveModel';
import { TrainSetupError } from './train/errors';
import { balancedClassWeights } from './train/loss';
import { runPhases } from './train/phases';
import { finalEvaluation } from './train/finalEvaluation';
import { disposeResume, runResult, type ResumePoint } from './train/runResult';
import { catalogEntryForDir } from './sources/catalogDefaults';
import { saveGraphFineTune } from './graph/saved';
import { extractGraphFeatures, type GraphFeatures } from './graph/features';
import type { RunTrainingOptions } from './runTraining';


export const GRAPH_HEAD_ONLY = 'graph models are frozen feature extractors; only the head trains';

/** Refuses every spec setting that would need the graph to train or to run per batch. */
function checkGraphSpec(spec: TrainSpec, options: RunTrainingOptions): void {
  if (spec.train !== 'head' || spec.twoPhase || options.fromScratch) throw new TrainSetupError(`${GRAPH_HEAD_ONLY} (use --train head)`);
  if (spec.cut) throw new TrainSetupError(`graph models have no cut layer: the head takes the model's output features (drop --cut ${spec.cut})`);
  // Augmentation would run the (possibly async) graph on every batch; the loop's prefix hook is a Layers model.
  if (spec.augment) throw new TrainSetupError('augmentation is not supported for graph models: their features are computed once per image (turn augmentation off)');
}

export async function runGraphTraining(spec: TrainSpec, options: RunTrainingOptions, resume?: ResumePoint): Promise<RunResult> {
  const emit = options.onEvent;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, message });
  checkGraphSpec(spec, options);

  const backend = await (options.selectBackend ?? selectBackend)({ requested: spec.backend });
  emit({ type: 'backend', report: backend });
  const extractor = await loadGraphFeatureExtractor(spec.modelDir);
  let head: tf.LayersModel | undefined;
  let runDir = resume?.runDir;
  let features: GraphFeatures | undefined;
  try {
    const dataset = await scanDataset(spec.dataDir, { validationSplit: spec.validationSplit, seed: spec.seed });
    emit({ type: 'health', report: dataset.health });
    if (dataset.classes.length < 2) throw new TrainSetupError(`${dataset.root}: found ${dataset.classes.length} class folder(s); at least 2 are needed`);
    if (dataset.train.length === 0) throw new TrainSetupError(`${dataset.root}: no training images`);
    if (dataset.validation.length === 0) throw new TrainSetupError(`${dataset.root}: no validation images (raise --validation-split or add a validation/ folder)`);

    const pre = spec.preprocessing ?? readModelPreprocessing(spec.modelDir) ?? catalogEntryForDir(spec.modelDir)?.preprocessing ?? guessPreprocessing(extractor);
    checkInputFits(extractor, pre);
    const width = extractor.featureShape[1];
    head = buildHead(width, dataset.classes.length, spec.dropout, spec.seed);
    const trainable = new Set(head.layers.filter((l) => l.name.startsWith(HEAD_PREFIX) && l.getClassName() !== 'InputLayer').map((l) => l.name));
    const model = head;
    const freeze = (t: Set<string>) => applyFreeze(model, t, spec.batchNormMode);
    freeze(trainable);
    const output = extractor.summary.graph?.outputs[0]?.name ?? 'output';
    log(`Graph model: frozen feature extractor (${width} features from '${output}'); training a new head`);
    emit({
      type: 'plan',
      cut: output,
      trainableLayers: [...trainable],
      trainableParams: head.countParams(),
      totalParams: extractor.summary.totalParams + head.countParams(),
      featureCache: true,
      boundary: [output],
    });

    if (!runDir) {
      runDir = RunDir.create(spec.runsDir, spec.name ?? safeName(basename(spec.dataDir)));
      runDir.writeSpec(spec);
    }
    const rd = runDir;
    features = await extractGraphFeatures(dataset, { extractor, pre, batchSize: spec.batchSize, cacheDir: rd.cacheDir, cacheBudgetBytes: options.cacheBudgetBytes, emit, signal: options.signal });
    const { train, validation } = features;

    if (resume) restoreWeights(head, resume.checkpoint.weights, join(rd.checkpointsDir, 'last'));
    const outcome = await runPhases({
      spec,
      phases: [{ name: 'plan', trainable, epochs: spec.epochs, learningRate: spec.learningRate }],
      model: head,
      freeze,
      train,
      validation,
      rng: new Rng(resume ? resume.checkpoint.state.rng : spec.seed),
      classWeights: spec.classWeights === 'balanced' ? balancedClassWeights(train.y, dataset.classes.length) : undefined,
      emit,
      onEpoch: (logs) => rd.appendMetrics(logs),
      signal: options.signal,
      checkpoints: { dir: rd.checkpointsDir, specHash: rd.specHash(), onWritten: options.onCheckpoint },
      resume: resume && { checkpoint: resume.checkpoint, bestWeights: resume.bestWeights },
    });
    if (outcome.stopReason === 'cancelled') log('Cancelled at a batch boundary; saving the model as it is', 'warn');
    const evaluation = await finalEvaluation(head, undefined, validation, dataset.classes, spec.batchSize);
    await saveGraphFineTune(head, spec.modelDir, rd.modelDir, dataset.classes, pre);
    const result = runResult(rd, backend.name, outcome, evaluation);
    emit({ type: 'done', result });
    return result;
  } finally {
    features?.dispose();
    disposeResume(resume);
    if (runDir) rmSync(runDir.cacheDir, { recursive: true, force: true });
    head?.dispose();
    extractor.dispose();
  }
}

/** features → dropout → dense(softmax), named like attachHead's head so plans and trees treat it the same. */
function buildHead(width: number, numClasses: number, dropout: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [width], name: `${HEAD_PREFIX}features` });
  const dropped = tf.layers.dropout({ rate: dropout, seed, name: `${HEAD_PREFIX}dropout` }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: 'zeros', name: `${HEAD_PREFIX}dense` })
    .apply(dropped) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: `${HEAD_PREFIX}graph_head` });
}

/**
 * The catalog's preprocessing for a model pulled into the cache by id: cache
 * entries hold `model/` next to a manifest naming the catalog id, and
 * downloaded TF Hub folders carry no preprocessing.json of their own.
 */
/** From the graph's input shape, with TF Hub's image convention: RGB in [0, 1] (tensorflow.org/hub/common_signatures/images). */
function guessPreprocessing(extractor: GraphFeatureExtractor): Preprocessing {
  const [, h, w, c] = extractor.inputShape;
  const channels = c === 1 ? 1 : 3;
  return { height: h ?? 224, width: w ?? 224, channels, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'centerCrop' };
}

/** A preprocessing that feeds the wrong size would fail deep inside the graph; say so plainly instead. */
function checkInputFits(extractor: GraphFeatureExtractor, pre: Preprocessing): void {
  const [, h, w, c] = extractor.inputShape;
  const want = [h, w, c];
  const got = [pre.height, pre.width, pre.channels];
  if (want.some((d, i) => d !== null && d !== undefined && d !== got[i])) {
    throw new TrainSetupError(`the graph model takes ${h ?? '?'}×${w ?? '?'}×${c ?? '?'} images, but the preprocessing gives ${pre.height}×${pre.width}×${pre.channels}`);
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 64) || 'run';
}
