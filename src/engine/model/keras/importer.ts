// Keras file → tfjs LayersModel. Order matters for safety: the config is
// translated and capped, every needed weight is read and checked (shape caps,
// float type, NaN/Inf, total bytes) and the topology is checked against those
// shapes, all before tfjs builds anything; then each layer's weights are
// matched to the built model's by layer and position, shapes compared first,
// so a mismatch is one line and the model is disposed.
import { tf } from '../../tf';
import { DEFAULT_CAPS, ModelFileError, type ModelCaps } from '../modelFileError';
import { checkTopology } from '../topologyCheck';
import type { WeightSpec } from '../manifest';
import { readFloats } from './hdf5';
import { isModelClass, translateModel, usableTopology } from './topology';
import { isObject, type JsonObject } from './layerConfig';
import { openKerasSource, type KerasSource } from './source';

interface KerasImportOptions {
  /** The chosen cut: layers above it are not needed, so an untranslatable one there does not stop the import. */
  cut?: string;
  caps?: Partial<ModelCaps>;
}

interface KerasImport {
  model: tf.LayersModel;
  /** The Keras config as written (preprocessing inference reads its architecture). */
  kerasModel: unknown;
}

type Weights = Map<string, { shape: number[]; values: Float32Array }[]>;

/** The leaf layers of a translated topology, keyed like the weight paths (nested ones as 'outer/inner'). */
function leaves(topology: JsonObject, prefix = ''): [string, JsonObject][] {
  const config = topology.config as JsonObject;
  const layers = (Array.isArray(config.layers) ? config.layers : []).filter(isObject);
  return layers.flatMap((l): [string, JsonObject][] => (isModelClass(l.class_name) ? leaves(l, `${prefix}${String(l.name)}/`) : [[`${prefix}${String(l.name)}`, l]]));
}

/** Config keys that mean a layer owns weights (a Dense's units, a convolution's filters…). */
const WEIGHT_SIZE_KEYS = ['units', 'filters', 'input_dim', 'output_dim'];

/** A layer the config sizes but the weights file lacks is named before tfjs builds anything. */
function checkPresent(file: string, source: KerasSource, layers: [string, JsonObject][]): void {
  for (const [key, layer] of layers) {
    const config = isObject(layer.config) ? layer.config : {};
    if (!WEIGHT_SIZE_KEYS.some((k) => typeof config[k] === 'number')) continue;
    const entry = source.weights.get(key);
    if (!entry || entry.datasets.length === 0) {
      throw new ModelFileError(file, `names layer '${key}' (${String(layer.class_name)}), but the weights file has no weights for it${entry ? ` (nothing under ${entry.group})` : ''}`);
    }
  }
}

function readWeights(source: KerasSource, keys: string[], caps: ModelCaps): Weights {
  const out: Weights = new Map();
  let bytes = 0;
  for (const key of keys) {
    const entry = source.weights.get(key);
    if (!entry) continue;
    out.set(
      key,
      entry.datasets.map((path) => {
        const w = readFloats(source.file, path, source.weightsShownAs, caps);
        bytes += w.values.byteLength;
        if (bytes > caps.maxTotalWeightBytes) throw new ModelFileError(source.weightsShownAs, `holds more than ${caps.maxTotalWeightBytes} bytes of weights, over the cap`);
        return w;
      }),
    );
  }
  return out;
}

/** Leaf layers of a built model with their keys, nested models flattened the way `leafKeys` does. */
function builtLeaves(model: tf.LayersModel, prefix = ''): [string, tf.layers.Layer][] {
  return model.layers.flatMap((l): [string, tf.layers.Layer][] => (l instanceof tf.LayersModel ? builtLeaves(l, `${prefix}${l.name}/`) : [[`${prefix}${l.name}`, l]]));
}

function assignWeights(file: string, source: KerasSource, model: tf.LayersModel, weights: Weights): void {
  const plan: [tf.layers.Layer, tf.Tensor[]][] = [];
  try {
    for (const [key, layer] of builtLeaves(model)) {
      const want = layer.weights;
      if (want.length === 0) continue;
      const have = weights.get(key) ?? [];
      const where = source.weights.get(key)?.group;
      if (have.length === 0) {
        throw new ModelFileError(file, `names layer '${key}' (${layer.getClassName()}), but the weights file has no weights for it${where ? ` (nothing under ${where})` : ''}`);
      }
      if (have.length !== want.length) {
        throw new ModelFileError(file, `layer '${key}' (${layer.getClassName()}) needs ${want.length} weights, but the weights file holds ${have.length}${where ? ` under ${where}` : ''}`);
      }
      want.forEach((w, i) => {
        const shape = have[i].shape;
        if (shape.length !== w.shape.length || shape.some((d, j) => d !== w.shape[j])) {
          throw new ModelFileError(file, `weight ${i} of layer '${key}' (${w.originalName}) has shape ${JSON.stringify(shape)} in the file, but the config makes it ${JSON.stringify(w.shape)}`);
        }
      });
      plan.push([layer, have.map((h) => tf.tensor(h.values, h.shape, 'float32'))]);
    }
    for (const [layer, tensors] of plan) layer.setWeights(tensors);
  } finally {
    for (const [, tensors] of plan) tf.dispose(tensors);
  }
}

/** Opens a Keras 3 `.keras` or Keras 2 `.h5`/`.hdf5` model as a tfjs LayersModel. */
export async function importKerasModel(path: string, options: KerasImportOptions = {}): Promise<KerasImport> {
  const caps = { ...DEFAULT_CAPS, ...options.caps };
  const source = await openKerasSource(path, caps);
  try {
    const translated = translateModel(path, source.model);
    const topology = usableTopology(path, translated, options.cut);
    const layers = leaves(topology);
    checkPresent(path, source, layers);
    const weights = readWeights(source, layers.map(([key]) => key), caps);
    const specs: WeightSpec[] = [...weights].flatMap(([key, list]) => list.map((w, i) => ({ name: `${key}/${i}`, shape: w.shape, dtype: 'float32' as const })));
    checkTopology(path, topology, specs, caps);
    let model: tf.LayersModel;
    try {
      model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology }), { strict: false });
    } catch (e) {
      throw new ModelFileError(path, `TF.js could not build the translated model: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
    try {
      assignWeights(path, source, model, weights);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return { model, kerasModel: source.model };
  } finally {
    source.close();
  }
}
