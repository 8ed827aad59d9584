import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf';
import { PreprocessingSchema, type Preprocessing } from '../../shared/preprocessing';
import { writeDirAtomicSync } from './atomic';

const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const LABELS_JSON = 'labels.json';
export const PREPROCESSING_JSON = 'preprocessing.json';

/** The model.json + weights.bin of a Layers model, as files to write. tfjs' browser package has no file handler, so a custom IOHandler hands us the artifacts. */
export async function layersModelFiles(model: tf.LayersModel): Promise<Record<string, string | Uint8Array>> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || artifacts.weightData === undefined) throw new Error('model.save produced no weights');
  const weightData = artifacts.weightData;
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'finetune-studio',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  };
  return {
    [MODEL_JSON]: JSON.stringify(modelJson),
    [WEIGHTS_BIN]: new Uint8Array(Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData),
  };
}

/** labels.json (class names in output order) and preprocessing.json, as files to write. */
export function classifierMetadataFiles(labels: string[], preprocessing: Preprocessing): Record<string, string> {
  return {
    [LABELS_JSON]: JSON.stringify(labels, null, 2) + '\n',
    [PREPROCESSING_JSON]: JSON.stringify(preprocessing, null, 2) + '\n',
  };
}

/**
 * Saves a fine-tuned model as a folder: `model.json` + `weights.bin` (the
 * standard TF.js Layers format), `labels.json` and `preprocessing.json`,
 * written atomically as one folder.
 */
export async function saveModelDir(model: tf.LayersModel, dir: string, labels: string[], preprocessing: Preprocessing): Promise<void> {
  writeDirAtomicSync(dir, { ...(await layersModelFiles(model)), ...classifierMetadataFiles(labels, preprocessing) });
}

export function readLabels(dir: string): string[] {
  const labels = JSON.parse(readFileSync(join(dir, LABELS_JSON), 'utf8')) as unknown;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new Error(`${join(dir, LABELS_JSON)}: expected an array of class names`);
  return labels;
}

/**
 * The preprocessing a model folder declares (the demo model and every model
 * we save have one), or undefined when the file is missing or malformed, so
 * that the caller falls back to a guess from the input shape.
 */
export function readModelPreprocessing(dir: string): Preprocessing | undefined {
  try {
    const parsed = PreprocessingSchema.safeParse(JSON.parse(readFileSync(join(dir, PREPROCESSING_JSON), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
