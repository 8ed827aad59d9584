// Where each layer's weights live in a Keras file, as HDF5 dataset paths in
// the layer's own weight order (trainable first, then non-trainable, which is
// also tfjs's order). Keyed by layer path: a top-level layer's name, or
// '<nested model>/<layer>' for a layer inside a nested model.
//
// Keras 3 (model.weights.h5): `layers/<name>/vars/<i>`, where <name> is NOT the
// layer's name but its class in snake_case, numbered per class in model.layers
// order (`dense`, `dense_1`, …; keras/src/saving/saving_lib.py,
// _save_container_state). A nested model's layers sit under its own path:
// `layers/functional/layers/conv2d/vars/0`.
//
// Keras 2 (.h5): `model_weights/<layer name>` with a `weight_names` attribute
// listing dataset paths relative to that group; a nested model's group lists
// all its layers' weights as `<layer>/<weight>:0`.
import type * as H5 from 'h5wasm';
import { isObject, toSnakeCase, type Json, type JsonObject } from './layerConfig';
import { isModelClass, layerName } from './topology';
import { stringListAttr } from './hdf5';

/** A layer's HDF5 group and its datasets in weight order (empty when the group is missing). */
interface LayerWeights {
  group: string;
  datasets: string[];
}
export type WeightPaths = Map<string, LayerWeights>;

/** Dataset paths per layer for a Keras 3 model.weights.h5, following the config's layer order. */
export function keras3WeightPaths(file: H5.File, model: Json): WeightPaths {
  const out: WeightPaths = new Map();
  walkKeras3(file, model, '', '', out);
  return out;
}

function layersOf(model: JsonObject): JsonObject[] {
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  return list.filter(isObject);
}

function walkKeras3(file: H5.File, model: Json, h5Prefix: string, keyPrefix: string, out: WeightPaths): void {
  if (!isObject(model)) return;
  const used = new Map<string, number>();
  for (const layer of layersOf(model)) {
    const base = toSnakeCase(String(layer.class_name));
    const n = used.has(base) ? used.get(base)! + 1 : 0;
    used.set(base, n);
    const h5Path = `${h5Prefix}layers/${n === 0 ? base : `${base}_${n}`}`;
    const key = `${keyPrefix}${layerName(layer)}`;
    if (isModelClass(layer.class_name)) {
      walkKeras3(file, layer, `${h5Path}/`, `${key}/`, out);
      continue;
    }
    const group = `${h5Path}/vars`;
    // A missing group reads as no weights; the loader names it if the layer needs some.
    const vars = file.get(group) as H5.Group | null;
    const names = vars && 'keys' in vars ? vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)) : [];
    out.set(key, { group, datasets: names.map((k) => `${group}/${k}`) });
  }
}

/** Dataset paths per layer for a legacy Keras 2 HDF5 model (`model_weights` group, or a bare weights file). */
export function keras2WeightPaths(file: H5.File, model: Json): WeightPaths {
  const nested = new Set(isObject(model) ? layersOf(model).filter((l) => isModelClass(l.class_name)).map(layerName) : []);
  const root = (file.get('model_weights') as H5.Group | null) ?? file;
  const prefix = root === file ? '' : 'model_weights/';
  const out: WeightPaths = new Map();
  for (const layer of stringListAttr(root, 'layer_names')) {
    const group = root.get(layer) as H5.Group | null;
    if (!group || !('keys' in group)) continue;
    for (const weight of stringListAttr(group, 'weight_names')) {
      // A nested model's weights are '<inner layer>/kernel:0', possibly behind more scopes.
      const parts = weight.split('/');
      const key = nested.has(layer) && parts.length >= 2 ? `${layer}/${parts[parts.length - 2]}` : layer;
      const entry = out.get(key) ?? { group: `${prefix}${layer}`, datasets: [] };
      entry.datasets.push(`${prefix}${layer}/${weight}`);
      out.set(key, entry);
    }
  }
  return out;
}
