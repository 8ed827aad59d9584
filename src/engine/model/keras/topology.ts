// A whole Keras model config (Sequential or Functional, nested to any depth)
// translated into the topology tfjs-layers deserialises, with the layers it
// cannot translate named. When a cut is chosen, only the layers the cut
// depends on are kept, so an untranslatable layer above the cut is never needed.
import { ModelFileError } from '../modelFileError';
import { SUPPORTED_LAYER_CLASSES } from '../topologyCheck';
import { adaptLayerConfig, isObject, legacyInboundNodes, stripKeras3, type Json, type JsonObject } from './layerConfig';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

interface Untranslatable {
  /** Layer path, nested models joined with '/'. */
  path: string;
  className: string;
  why: string;
}

export const isModelClass = (className: unknown) => typeof className === 'string' && MODEL_CLASSES.has(className);

/** A layer's name in either format (Keras 3 and 2 both keep it in config.name; Keras 2 also at the top). */
export function layerName(layer: JsonObject): string {
  const config = isObject(layer.config) ? layer.config : {};
  return String(config.name ?? layer.name ?? '');
}

/** One layer entry in tfjs form (the input is left as it was); collects what cannot be translated. */
function translateLayer(layer: JsonObject, prefix: string, sequentials: ReadonlySet<string>, bad: Untranslatable[]): JsonObject {
  const className = String(layer.class_name);
  const name = layerName(layer);
  const out = stripKeras3(layer) as JsonObject;
  if (out.inbound_nodes !== undefined) out.inbound_nodes = legacyInboundNodes(layer.inbound_nodes, sequentials);
  out.name = name;
  const config = isObject(out.config) ? out.config : {};
  out.config = config;
  if (isModelClass(className)) {
    out.config = translateModelConfig(className, config, `${prefix}${name}/`, bad);
    return out;
  }
  if (!SUPPORTED_LAYER_CLASSES.has(className)) {
    bad.push({ path: `${prefix}${name}`, className, why: className === 'Lambda' ? 'a Lambda holds Python code' : 'no TF.js layer of this class' });
    return out;
  }
  const why = adaptLayerConfig(className, config);
  if (why) bad.push({ path: `${prefix}${name}`, className, why });
  return out;
}

/** `["x", 0, 0]` (Keras 3's single-tensor form) or `[["x", 0, 0], …]`: always the list form. */
function tensorList(value: Json | undefined): Json {
  if (!Array.isArray(value)) return [];
  return value.length > 0 && typeof value[0] === 'string' ? [value] : value;
}

/** Keras 2.0's Sequential config is the bare list of layers; later versions wrap it in {name, layers}. */
function translateModelConfig(className: string, config: Json, prefix: string, bad: Untranslatable[]): JsonObject {
  const wrapped: JsonObject = Array.isArray(config) ? { layers: config } : isObject(config) ? config : {};
  const layers = Array.isArray(wrapped.layers) ? wrapped.layers.filter(isObject) : [];
  const sequentials = new Set(layers.filter((l) => l.class_name === 'Sequential').map(layerName));
  const translated = layers.map((l) => translateLayer(l, prefix, sequentials, bad));
  const out: JsonObject = { name: wrapped.name ?? 'model', layers: translated };
  const first = translated[0];
  if (className === 'Sequential' && isObject(first) && first.class_name !== 'InputLayer' && Array.isArray(wrapped.build_input_shape)) {
    // Keras 3 keeps a Sequential's input shape beside the layers when it has no InputLayer.
    (first.config as JsonObject).batch_input_shape ??= wrapped.build_input_shape;
  }
  if (className !== 'Sequential') {
    out.input_layers = tensorList(wrapped.input_layers);
    out.output_layers = tensorList(wrapped.output_layers);
  }
  return out;
}

/** The tfjs topology ({class_name, config}) for a Keras model config, and its untranslatable layers. */
export function translateModel(file: string, model: unknown): { topology: JsonObject; untranslatable: Untranslatable[] } {
  if (!isObject(model) || !isModelClass(model.class_name) || !(isObject(model.config) || Array.isArray(model.config))) {
    throw new ModelFileError(file, `holds a ${isObject(model) ? String(model.class_name) : 'non-object'} config; only Sequential and Functional models can be imported (a subclassed Model has no config to translate)`);
  }
  const className = model.class_name === 'Model' ? 'Functional' : String(model.class_name);
  const bad: Untranslatable[] = [];
  const config = translateModelConfig(className, model.config, '', bad);
  return { topology: { class_name: className, config }, untranslatable: bad };
}

/** The names of the top-level layers `cut`'s output depends on (Functional), or those up to it (Sequential). */
function layersUpTo(topology: JsonObject, cut: string): Set<string> | undefined {
  const config = topology.config as JsonObject;
  const layers = (config.layers as JsonObject[]) ?? [];
  const index = layers.findIndex((l) => l.name === cut);
  if (index < 0) return undefined;
  if (topology.class_name === 'Sequential') return new Set(layers.slice(0, index + 1).map((l) => String(l.name)));
  const byName = new Map(layers.map((l) => [String(l.name), l]));
  const keep = new Set<string>();
  const stack = [cut];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    for (const node of (byName.get(name)?.inbound_nodes as Json[][] | undefined) ?? []) {
      for (const tensor of node) if (Array.isArray(tensor) && typeof tensor[0] === 'string') stack.push(tensor[0]);
    }
  }
  return keep;
}

/**
 * The translated topology, truncated at `cut` when some layer cannot be
 * translated: the model then opens up to the cut if every layer the cut needs
 * is translatable. Otherwise one line names the first offending layer.
 */
export function usableTopology(file: string, translated: ReturnType<typeof translateModel>, cut?: string): JsonObject {
  const { topology, untranslatable } = translated;
  if (untranslatable.length === 0) return topology;
  const first = untranslatable[0];
  const named = `layer '${first.path}' (${first.className}) cannot be translated to TF.js: ${first.why}${untranslatable.length > 1 ? ` (and ${untranslatable.length - 1} more)` : ''}`;
  if (!cut) throw new ModelFileError(file, `${named}; cut below it (--cut LAYER) to use the layers before it`);
  const keep = layersUpTo(topology, cut);
  if (!keep) throw new ModelFileError(file, `${named}, and the cut '${cut}' is not one of its top-level layers`);
  const needed = untranslatable.find((u) => keep.has(u.path.split('/')[0]));
  if (needed) throw new ModelFileError(file, `layer '${needed.path}' (${needed.className}) cannot be translated to TF.js (${needed.why}), and the cut '${cut}' needs it`);
  const config = topology.config as JsonObject;
  const layers = (config.layers as JsonObject[]).filter((l) => keep.has(String(l.name)));
  const truncated: JsonObject = { ...config, layers };
  if (topology.class_name !== 'Sequential') truncated.output_layers = [[cut, 0, 0]];
  return { class_name: topology.class_name, config: truncated };
}
