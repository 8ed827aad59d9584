// A TF.js Layers model (and, through the Keras importer, a Keras file, which
// becomes one) as a model source: cut at any layer, a new head attached, and
// split at the freeze boundary so the frozen prefix becomes the feature
// extractor and only the trainable suffix and the head train.
import { tf } from '../tf';
import { loadLayersModelFromDir } from '../model/load';
import { applyFreeze, attachHead, defaultPreprocessing, findDefaultCut } from '../model/transfer';
import { splitAtFreezeBoundary } from '../model/split';
import { foldBatchNorm } from '../model/foldBatchNorm';
import { layersExtractor } from '../model/extractor';
import { catalogCut } from '../sources/catalogDefaults';
import { saveModelDir } from '../run/saveModel';
import { reinitializeWeights } from '../train/reinit';
import { planPhases } from '../train/phasePlan';
import { leafLayers } from '../model/graph';
import type { ModelSource, PrepareContext, TrainingModel } from './source';

/** Opens `modelDir` with `load` (the TF.js loader by default; an importer returns a Layers model the same way). */
export async function openLayersModel(modelDir: string, load: (dir: string) => Promise<tf.LayersModel> = loadLayersModelFromDir): Promise<ModelSource> {
  const base = await load(modelDir);
  // base, the model with its head, prefix, folded prefix and suffix share layers: freed weight by weight, once (see disposeWeights).
  const owned: tf.LayersModel[] = [base];
  return {
    inputShape: base.inputs[0].shape,
    guessPreprocessing: () => defaultPreprocessing(base),
    prepare: (context) => prepare(base, modelDir, context, (m) => owned.push(m)),
    dispose: () => disposeWeights(owned),
  };
}

function prepare(base: tf.LayersModel, modelDir: string, context: PrepareContext, own: (model: tf.LayersModel) => void): TrainingModel {
  const { spec, log } = context;
  if (context.fromScratch) reinitializeWeights(base, spec.seed);
  const fromCatalog = spec.cut ? undefined : catalogCut(base, modelDir);
  const cut = spec.cut ?? fromCatalog ?? findDefaultCut(base);
  log(spec.cut ? `Cut at ${cut}` : fromCatalog ? `Cut at ${cut} (the catalog's default for this model)` : `Cut at ${cut} (auto-detected: the last feature layer before the classifier)`);
  const model = attachHead(base, { cut, numClasses: context.numClasses, dropout: spec.dropout, seed: spec.seed });
  own(model);
  const phases = planPhases(model, spec, context.fromScratch ? 'all' : spec.train, context.epochs);
  const finalTrainable = new Set(phases.flatMap((p) => [...p.trainable]));
  const freeze = (trainable: Set<string>) => applyFreeze(model, trainable, spec.batchNormMode);

  // The split sits below the lowest layer that trains in any phase, so one cache serves every phase.
  freeze(finalTrainable);
  const split = splitAtFreezeBoundary(model, finalTrainable);
  if (split) [split.prefix, split.suffix].forEach(own);
  // The prefix only ever predicts, so its BatchNormalization layers fold into their convolutions.
  const prefix = split ? foldBatchNorm(split.prefix).model : undefined;
  if (prefix) own(prefix);
  const useCache = prefix !== undefined && !spec.augment && spec.featureCache === 'auto';
  if (!useCache && prefix && spec.augment) log('Augmentation is on, so the frozen prefix runs on every batch (no feature cache)');
  return {
    plan: {
      cut,
      trainableLayers: [...finalTrainable],
      trainableParams: model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0),
      totalParams: model.countParams(),
      boundary: split?.boundary ?? [],
    },
    trained: split ? split.suffix : model,
    extractor: useCache ? layersExtractor(prefix) : undefined,
    batchPrefix: useCache ? undefined : prefix,
    phases,
    frozenLayers: () => leafLayers(model).map((l) => l.layer).filter((l) => l.weights.length > 0 && !finalTrainable.has(l.name)).map((l) => ({ name: l.name, weights: l.weights })),
    freeze,
    save: (dir, labels, pre) => saveModelDir(model, dir, labels, pre),
  };
}

/**
 * Models that share layers: tfjs' container dispose() stops at the first
 * layer another container already freed, so free each weight once instead.
 */
function disposeWeights(models: tf.LayersModel[]): void {
  const weights = new Set(models.flatMap((m) => m.weights));
  for (const w of weights) if (!w.read().isDisposed) w.dispose();
}
