// Loading a TF.js Layers model folder: validate everything without tfjs
// (validate.ts), then hand tfjs the validated bytes from memory, so its own
// loaders (which check none of this) never read a file themselves.
import { tf } from '../tf';
import { ModelFileError, type ModelCaps } from './modelFileError';
import { validateLayersModelDir, type ValidatedArtifacts } from './validate';
import type { WeightSpec } from './manifest';

export { ModelFileError, type ModelCaps } from './modelFileError';
export { validateLayersModelDir, type ValidatedArtifacts } from './validate';

function oneLineMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Builds a model from validated artifacts; tfjs reads only these in-memory bytes. */
export async function modelFromArtifacts(artifacts: ValidatedArtifacts): Promise<tf.LayersModel> {
  const handler = tf.io.fromMemory({
    modelTopology: artifacts.modelTopology,
    weightSpecs: artifacts.weightSpecs,
    weightData: artifacts.weightData,
    userDefinedMetadata: artifacts.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  });
  try {
    return await tf.loadLayersModel(handler, { strict: true });
  } catch (e) {
    throw new ModelFileError(artifacts.modelJsonPath, `TF.js could not build the model: ${oneLineMessage(e)}`);
  }
}

/** Validates a TF.js Layers model folder (model.json + shards) and loads it. */
export async function loadLayersModelFromDir(dir: string, caps?: Partial<ModelCaps>): Promise<tf.LayersModel> {
  return modelFromArtifacts(await validateLayersModelDir(dir, caps));
}

/** Maps each model weight by the name tfjs saves it under (`originalName`), as LayersModel.loadWeights does. */
function modelWeightsByName(model: tf.LayersModel): Map<string, tf.LayerVariable> {
  const byName = new Map<string, tf.LayerVariable>();
  for (const layer of model.layers) for (const w of layer.weights) byName.set(w.originalName, w);
  return byName;
}

/** TF 2.2+ inserts a cell name (`layer/cell/kernel`); tfjs drops it when matching, and so do we. */
function targetName(name: string, byName: Map<string, tf.LayerVariable>): string {
  if (byName.has(name)) return name;
  const t = name.split('/');
  return t.slice(0, -2).concat(t[t.length - 1]).join('/');
}

/**
 * Assigns validated weights to an existing model, all or nothing: names,
 * coverage and shapes are checked first, so a mismatch leaves the model as it was.
 */
export function loadWeightsInto(model: tf.LayersModel, artifacts: Pick<ValidatedArtifacts, 'modelJsonPath' | 'weightSpecs' | 'weightData'>): void {
  const file = artifacts.modelJsonPath;
  const byName = modelWeightsByName(model);
  const unset = new Set(byName.keys());
  const specs: WeightSpec[] = artifacts.weightSpecs;
  for (const spec of specs) {
    const target = byName.get(targetName(spec.name, byName));
    if (!target) throw new ModelFileError(file, `has weight '${spec.name}', which the model has no place for (extra weight)`);
    const want = target.shape;
    if (want.length !== spec.shape.length || want.some((d, i) => d !== spec.shape[i])) {
      throw new ModelFileError(file, `weight '${spec.name}' has shape ${JSON.stringify(spec.shape)} but the model expects ${JSON.stringify(want)}`);
    }
    if ((spec.dtype === 'bool') !== (target.dtype === 'bool')) {
      throw new ModelFileError(file, `weight '${spec.name}' has dtype ${spec.dtype} but the model expects ${target.dtype}`);
    }
    unset.delete(target.originalName);
  }
  if (unset.size > 0) {
    const names = [...unset];
    throw new ModelFileError(file, `is missing ${names.length} weight(s) the model needs: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
  }
  const tensors = tf.io.decodeWeights(artifacts.weightData, specs);
  try {
    model.loadWeights(tensors, true);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
