// The saved form of a fine-tuned Graph model. A Graph model cannot be
// extended with layers, so the run folder's model/ holds two models side by
// side, written in one atomic folder write:
//   model.json + weights.bin          the trained head, a plain Layers model that takes features
//   base.json + base.weights.bin      a copy of the frozen Graph model (TF.js graph-model format)
//   labels.json, preprocessing.json   as for every fine-tuned model
// base.json records the node the graph runs up to (the run's cut).
// A copy rather than a pointer: the cache entry it came from may be evicted
// or re-downloaded, and a run folder must keep working on its own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Preprocessing } from '../../shared/preprocessing';
import { tf } from '../tf';
import { validateGraphModelDir } from '../model/graphArtifacts';
import { CUT_METADATA_KEY, loadGraphFeatureExtractor } from '../model/graphModel';
import { loadLayersModelFromDir } from '../model/load';
import { classifierMetadataFiles, layersModelFiles } from '../run/saveModel';
import { writeDirAtomicSync } from '../run/atomic';

/** The frozen base's model.json inside a fine-tuned model folder; its presence marks a Graph fine-tune. */
export const BASE_JSON = 'base.json';
export const BASE_WEIGHTS_BIN = 'base.weights.bin';

export function isGraphFineTune(modelDir: string): boolean {
  return existsSync(join(modelDir, BASE_JSON));
}

/**
 * Writes head + frozen base as one folder. The base is re-read through the
 * validating loader (never copied file by file), so only what was checked
 * reaches the run folder, in one shard.
 */
export async function saveGraphFineTune(head: tf.LayersModel, base: { dir: string; cut: string }, dir: string, labels: string[], preprocessing: Preprocessing): Promise<void> {
  const headFiles = await layersModelFiles(head);
  const graph = await validateGraphModelDir(base.dir);
  const baseJson = {
    format: 'graph-model',
    convertedBy: 'finetune-studio (frozen base of a fine-tuned model)',
    modelTopology: graph.modelTopology,
    weightsManifest: [{ paths: [BASE_WEIGHTS_BIN], weights: graph.weightSpecs }],
    ...(graph.signature ? { signature: graph.signature } : {}),
    userDefinedMetadata: { ...graph.userDefinedMetadata, [CUT_METADATA_KEY]: base.cut },
    ...(graph.modelInitializer ? { modelInitializer: graph.modelInitializer } : {}),
  };
  writeDirAtomicSync(dir, {
    ...headFiles,
    [BASE_JSON]: JSON.stringify(baseJson),
    [BASE_WEIGHTS_BIN]: new Uint8Array(graph.weightData),
    ...classifierMetadataFiles(labels, preprocessing),
  });
}

/** A fine-tuned classifier, whichever kind: images [n,h,w,c] → probabilities [n, classes]. */
export interface LoadedClassifier {
  /** Number of classes the model outputs. */
  outputs: number;
  /** The image input's shape, [batch, height, width, channels]. */
  inputShape: (number | null)[];
  predict(images: tf.Tensor4D): Promise<tf.Tensor2D>;
  dispose(): void;
}

/** Loads a fine-tuned model folder: a Layers model, or (with base.json) Graph extractor, run up to its recorded cut → head. */
export async function loadClassifier(modelDir: string): Promise<LoadedClassifier> {
  const head = await loadLayersModelFromDir(modelDir);
  const shape = head.outputs[0].shape;
  const outputs = shape[shape.length - 1] as number;
  if (!isGraphFineTune(modelDir)) {
    return { outputs, inputShape: head.inputs[0].shape, predict: async (x) => head.predict(x) as tf.Tensor2D, dispose: () => head.dispose() };
  }
  let extractor;
  try {
    extractor = await loadGraphFeatureExtractor(join(modelDir, BASE_JSON), { name: 'base' });
  } catch (e) {
    head.dispose();
    throw e;
  }
  const ex = extractor;
  return {
    outputs,
    inputShape: ex.summary.inputShape,
    predict: async (x) => {
      const features = await ex.extract(x);
      try {
        return head.predict(features[0]) as tf.Tensor2D;
      } finally {
        tf.dispose(features);
      }
    },
    dispose: () => {
      head.dispose();
      ex.dispose();
    },
  };
}
