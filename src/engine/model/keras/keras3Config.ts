// A tfjs LayersModel's config (Keras 2 form, as model.toJSON writes it)
// rewritten the way Keras 3 writes config.json: objects wrapped as
// {module, class_name, config, registered_name}, `batch_shape` on an explicit
// InputLayer, and inbound nodes as serialised call arguments (__keras_tensor__).
// Initializers are dropped: the weights file sets every variable, and Keras 3
// does not accept every initializer spelling tfjs writes.
import { tf } from '../../tf';
import { isObject, type Json, type JsonObject } from './layerConfig';

/** The Keras version whose layout this writes (the version of the real .keras fixture it was checked against). */
export const KERAS3_VERSION_TARGETED = '3.5.0';

/** Keras 3 python module of each config object kind, as Keras writes it. */
const wrap = (module: string, class_name: string, config: Json, registered_name: Json = null): JsonObject => ({ module, class_name, config, registered_name });

/** Regularizers and constraints: Keras 3 knows the tfjs names (L1L2, MaxNorm, …); wrapped with their module. */
function wrapNested(config: JsonObject): void {
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('_initializer')) delete config[key];
    else if (isObject(value) && typeof value.class_name === 'string') {
      const module = key.endsWith('_regularizer') ? 'keras.regularizers' : key.endsWith('_constraint') ? 'keras.constraints' : 'keras.layers';
      config[key] = wrap(module, value.class_name, value.config ?? {});
    }
  }
}

function kerasTensor(model: tf.LayersModel, ref: Json[], sequentials: ReadonlySet<string>): JsonObject {
  const [layer, nodeIndex, tensorIndex] = ref as [string, number, number];
  const node = model.getLayer(layer).inboundNodes[nodeIndex];
  const shape = node?.outputShapes ? ((Array.isArray(node.outputShapes[0]) ? node.outputShapes[tensorIndex] : node.outputShapes) as Json) : null;
  // The inverse of the import's Sequential renumbering (layerConfig.ts legacyInboundNodes).
  const index = sequentials.has(layer) ? nodeIndex - 1 : nodeIndex;
  return { class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, index, tensorIndex] } };
}

function keras3Layer(layer: JsonObject, owner: tf.LayersModel, sequentials: ReadonlySet<string>): JsonObject {
  const className = String(layer.class_name);
  const config = { ...(layer.config as JsonObject) };
  const name = String(config.name ?? layer.name);
  let out: JsonObject;
  if (className === 'Model' || className === 'Functional' || className === 'Sequential') {
    const inner = owner.getLayer(name) as tf.LayersModel;
    out = keras3Model(className, config, inner);
  } else {
    if (className === 'InputLayer') {
      config.batch_shape = config.batch_input_shape ?? null;
      delete config.batch_input_shape;
    } else {
      delete config.batch_input_shape; // Keras 3 layers refuse it; a Sequential gets an InputLayer instead
    }
    wrapNested(config);
    if (className === 'SeparableConv2D') {
      // tfjs leaves it out of getConfig() although the layer uses it.
      config.depth_multiplier ??= (owner.getLayer(name) as unknown as { depthMultiplier: number }).depthMultiplier;
    }
    out = wrap('keras.layers', className, config);
  }
  out.name = name;
  if (Array.isArray(layer.inbound_nodes)) {
    out.inbound_nodes = layer.inbound_nodes.map((node) => {
      const refs = (node as Json[]).filter((r): r is Json[] => Array.isArray(r));
      const tensors = refs.map((r) => kerasTensor(owner, r, sequentials));
      return { args: tensors.length === 1 ? [tensors[0]] : [tensors], kwargs: {} };
    });
  }
  return out;
}

function keras3Model(className: string, config: JsonObject, model: tf.LayersModel): JsonObject {
  const layers = (Array.isArray(config.layers) ? config.layers : []).filter(isObject);
  const sequentials = new Set(layers.filter((l) => l.class_name === 'Sequential').map((l) => String((l.config as JsonObject).name ?? l.name)));
  const out: JsonObject = { name: config.name ?? model.name, trainable: true, layers: layers.map((l) => keras3Layer(l, model, sequentials)) };
  if (className === 'Sequential') {
    // Keras 3 takes a Sequential's input shape from a leading InputLayer; tfjs keeps it on the first layer (or a nested model).
    if (layers[0]?.class_name !== 'InputLayer') {
      const shape = model.inputs[0].shape as Json;
      const input = wrap('keras.layers', 'InputLayer', { batch_shape: shape, dtype: 'float32', sparse: false, name: `${String(out.name)}_input` });
      (out.layers as Json[]).unshift(input);
    }
    return wrap('keras', 'Sequential', out);
  }
  out.input_layers = config.input_layers ?? [];
  out.output_layers = config.output_layers ?? [];
  return wrap('keras.src.models.functional', 'Functional', out, 'Functional');
}

/** The Keras 3 config.json object for a tfjs model. */
export function keras3Config(model: tf.LayersModel): JsonObject {
  const json = model.toJSON(null, false) as unknown as JsonObject;
  return keras3Model(String(json.class_name), json.config as JsonObject, model);
}
