// One Keras layer entry, Keras 3 or Keras 2, rewritten into the Keras 2 form
// that tfjs-layers deserialises (it was written against Keras 2.x JSON).
// Keras 3 wraps every object as {module, class_name, config, registered_name},
// stores dtypes as DTypePolicy objects, calls an input's shape `batch_shape`
// and records inbound nodes as serialised call arguments.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras 3 metadata that tfjs does not know; dropped at every level. */
const KERAS3_ONLY_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

/** A dtype as tfjs takes it: Keras 3's DTypePolicy objects become their compute dtype name. Weights are read as float32 either way. */
function plainDtype(value: Json): Json {
  if (!isObject(value)) return value;
  const name = isObject(value.config) ? value.config.name : undefined;
  return typeof name === 'string' && name.includes('float') ? 'float32' : (name ?? 'float32');
}

/** Strips Keras 3 wrappers recursively, leaving {class_name, config} objects and plain values. */
export function stripKeras3(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripKeras3);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (KERAS3_ONLY_KEYS.has(key)) continue;
    out[key] = key === 'dtype' ? plainDtype(v) : stripKeras3(v);
  }
  return out;
}

/** Each `keras_history` in a Keras 3 node's call arguments, in argument order. */
function kerasTensors(value: Json, found: Json[][]): void {
  if (Array.isArray(value)) for (const v of value) kerasTensors(v, found);
  else if (isObject(value)) {
    if (value.class_name === '__keras_tensor__' && isObject(value.config) && Array.isArray(value.config.keras_history)) {
      found.push(value.config.keras_history);
      return;
    }
    for (const v of Object.values(value)) kerasTensors(v, found);
  }
}

/**
 * Inbound nodes in Keras 2 form: one list of [layer, node, tensor, kwargs] per call.
 * Node indices count a model's calls the way tfjs (and Keras 2) do, where every
 * nested model's node 0 is its own construction. Keras 3 numbers a nested
 * Functional that way too, but not a nested Sequential (not a Functional
 * subclass in Keras 3), whose first call it numbers 0: those get +1.
 */
export function legacyInboundNodes(nodes: Json, sequentials: ReadonlySet<string>): Json {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node; // already Keras 2
    const tensors: Json[][] = [];
    if (isObject(node)) kerasTensors(node.args ?? [], tensors);
    return tensors.map(([layer, nodeIndex, tensorIndex]) => [
      layer,
      typeof nodeIndex === 'number' && sequentials.has(String(layer)) ? nodeIndex + 1 : nodeIndex,
      tensorIndex,
      {},
    ]);
  });
}

/** Layer-specific Keras 3 → Keras 2 renames and tfjs-incompatible values; returns why a layer cannot be translated, if it cannot. */
export function adaptLayerConfig(className: string, config: JsonObject): string | undefined {
  if (className === 'InputLayer') {
    if (config.batch_shape !== undefined && config.batch_input_shape === undefined) config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
    delete config.optional;
    if (config.ragged === true) return 'ragged inputs';
  }
  // Keras 3 Dropout writes a stray integer here; tfjs wants a shape or nothing.
  if ('noise_shape' in config && !Array.isArray(config.noise_shape)) delete config.noise_shape;
  if (typeof config.groups === 'number' && config.groups !== 1) return `grouped convolution (groups=${config.groups})`;
  if (config.keepdims === true) return 'keepdims=true';
  if (className === 'ReLU' && ((config.negative_slope ?? 0) !== 0 || (config.threshold ?? 0) !== 0)) return 'ReLU with negative_slope or threshold';
  if (config.data_format === 'channels_first') return 'channels_first data format';
  return undefined;
}

/** Keras's class-name-to-snake_case rule (keras.src.utils.naming.to_snake_case), used for Keras 3 weight paths. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
