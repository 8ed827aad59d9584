// A TF.js Graph model as a model source. A Graph model has no layers to
// unfreeze and no gradients through tfjs' converter ops we can rely on, so it
// is a frozen feature extractor run up to the cut node (by default the node
// that feeds the final classifier); only a new head trains, on its cached
// activations.
import type { Preprocessing } from '../../shared/preprocessing';
import type { TrainSpec } from '../../shared/trainSpec';
import type { tf } from '../tf';
import { loadGraphFeatureExtractor, type GraphFeatureExtractor } from '../model/graphModel';
import { applyFreeze } from '../model/transfer';
import { headModel } from '../model/head';
import { saveGraphFineTune } from '../graph/saved';
import { TrainSetupError } from '../train/errors';
import type { ModelSource } from './source';

export const GRAPH_HEAD_ONLY = 'graph models are frozen feature extractors; only the head trains';

/** Refuses, before the model loads, every setting that would need the graph to train or to run per batch. */
function checkGraphSpec(spec: TrainSpec, fromScratch: boolean): void {
  if (spec.train !== 'head' || spec.phases || fromScratch) throw new TrainSetupError(`${GRAPH_HEAD_ONLY} (use --train head)`);
  // Augmentation would run the (possibly async) graph on every batch; the loop's per-batch prefix is a Layers model.
  if (spec.augment) throw new TrainSetupError('augmentation is not supported for graph models: their features are computed once per image (turn augmentation off)');
}

export async function openGraphModel(spec: TrainSpec, fromScratch: boolean): Promise<ModelSource> {
  checkGraphSpec(spec, fromScratch);
  const extractor = await loadGraphFeatureExtractor(spec.modelDir, { cut: spec.cut });
  let head: tf.LayersModel | undefined;
  return {
    inputShape: extractor.inputShape,
    guessPreprocessing: () => tfHubPreprocessing(extractor),
    prepare: ({ numClasses, epochs, log }) => {
      const model = headModel(extractor.shapes[0], { numClasses, dropout: spec.dropout, seed: spec.seed });
      head = model;
      const trainable = new Set(model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name));
      const freeze = (t: Set<string>) => applyFreeze(model, t, spec.batchNormMode);
      const shape = JSON.stringify([null, ...extractor.shapes[0]]).replace(/null/g, 'None');
      const how = spec.cut ? '' : ' (auto-detected: the node that feeds the classifier)';
      log(`Graph model: frozen feature extractor run up to '${extractor.cut}'${how}, ${shape}; training a new head`);
      return {
        plan: {
          cut: extractor.cut,
          trainableLayers: [...trainable],
          trainableParams: model.countParams(),
          totalParams: extractor.frozenParams + model.countParams(),
          boundary: [extractor.cut],
        },
        trained: model,
        extractor,
        phases: [{ name: 'head', trainable, epochs, learningRate: spec.learningRate }],
        // The frozen part is a Graph model, which has no training path at all.
        frozenLayers: () => [],
        freeze,
        save: (dir, labels, pre) => saveGraphFineTune(model, { dir: spec.modelDir, cut: extractor.cut }, dir, labels, pre),
      };
    },
    dispose: () => {
      head?.dispose();
      extractor.dispose();
    },
  };
}

/** From the graph's input shape, with TF Hub's image convention: RGB in [0, 1] (tensorflow.org/hub/common_signatures/images). */
function tfHubPreprocessing(extractor: GraphFeatureExtractor): Preprocessing {
  const [, h, w, c] = extractor.inputShape;
  const channels = c === 1 ? 1 : 3;
  return { height: h ?? 224, width: w ?? 224, channels, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'centerCrop' };
}
