// Checks of model.json's modelTopology before tfjs builds it. Building a
// layer allocates its weights with initializers, so a topology that asks for
// `units: 1e9` would allocate gigabytes before any weight is loaded: every
// size-like value is capped, and must agree with the weight shapes in the
// manifest (whose byte counts are checked against the shards on disk).
import { ModelFileError, hasForbiddenSegment, type ModelCaps } from './modelFileError';
import type { WeightSpec } from './manifest';

/** Layer classes tfjs-layers 4.x can deserialize (its serialization registry, minus optimizers/initializers). */
export const SUPPORTED_LAYER_CLASSES = new Set([
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D',
  'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D', 'ConvLSTM2DCell', 'Cropping2D', 'Dense',
  'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'Functional', 'GRU', 'GRUCell',
  'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'Identity', 'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU',
  'Masking', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU',
  'Permute', 'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing', 'SeparableConv2D',
  'Sequential', 'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpatialDropout1D', 'StackedRNNCells',
  'ThresholdedReLU', 'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
]);

const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/** Config keys whose numbers size tensors (snake_case from Keras, camelCase from tfjs). */
const SIZE_KEYS = new Set([
  'units', 'filters', 'kernel_size', 'kernelSize', 'pool_size', 'poolSize', 'strides', 'dilation_rate', 'dilationRate',
  'input_dim', 'inputDim', 'output_dim', 'outputDim', 'depth_multiplier', 'depthMultiplier', 'target_shape', 'targetShape',
  'size', 'n', 'dims', 'batch_input_shape', 'batchInputShape', 'batch_shape', 'batchShape', 'input_shape', 'inputShape',
  'height', 'width', 'num_tokens', 'numTokens', 'padding', 'cropping',
]);

/** Keys whose value must appear among the dimensions of the layer's own weights. */
const WEIGHT_SIZE_KEYS = ['units', 'filters', 'input_dim', 'inputDim', 'output_dim', 'outputDim'];

interface LayerJson {
  class_name?: unknown;
  className?: unknown;
  name?: unknown;
  config?: Record<string, unknown>;
}

function capNumbers(file: string, where: string, key: string, value: unknown, caps: ModelCaps): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > caps.maxDimension) {
      throw new ModelFileError(file, `${where} asks for ${key}=${value}, outside 0..${caps.maxDimension}; refused before building it`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) capNumbers(file, where, key, v, caps);
    const nums = value.flat(3).filter((v): v is number => typeof v === 'number');
    const product = nums.reduce((a, b) => a * b, 1);
    if (nums.length > 1 && product > caps.maxTensorElements) {
      throw new ModelFileError(file, `${where} asks for ${key}=${JSON.stringify(value)} (${product} elements), over the cap of ${caps.maxTensorElements}`);
    }
  }
}

/** Caps every size-like number anywhere in a layer's config (nested cells and wrapped layers included). */
function scanSizes(file: string, where: string, node: unknown, caps: ModelCaps, depth = 0): void {
  if (depth > 64) throw new ModelFileError(file, `${where} is nested too deeply`);
  if (Array.isArray(node)) {
    for (const v of node) scanSizes(file, where, v, caps, depth + 1);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'layers') continue; // nested layers are walked as layers
    if (SIZE_KEYS.has(key)) capNumbers(file, where, key, value, caps);
    else if (value && typeof value === 'object') scanSizes(file, where, value, caps, depth + 1);
  }
}

function weightsOf(layerName: string, specs: WeightSpec[]): WeightSpec[] {
  return specs.filter((s) => s.name.split('/').includes(layerName));
}

function checkLayer(file: string, layer: LayerJson, specs: WeightSpec[], caps: ModelCaps, depth: number): void {
  const className = String(layer.class_name ?? layer.className ?? '');
  const config = layer.config ?? {};
  const name = String(layer.name ?? config.name ?? '(unnamed)');
  const where = `layer '${name}' (${className})`;
  if (hasForbiddenSegment(name)) throw new ModelFileError(file, `layer name '${name}' is not allowed`);
  if (className === 'Lambda') {
    throw new ModelFileError(file, `layer '${name}' is a Lambda layer: unsupported, its Python code cannot run in TF.js and is never evaluated`);
  }
  if (!SUPPORTED_LAYER_CLASSES.has(className)) {
    throw new ModelFileError(file, `layer '${name}' has class '${className}', a custom layer TF.js cannot build: unsupported`);
  }
  if (CONTAINERS.has(className)) {
    // Keras 2.0-2.1 wrote a Sequential's config as the bare list of layers.
    walkLayers(file, Array.isArray(layer.config) ? layer.config : config.layers, specs, caps, depth + 1);
    return;
  }
  scanSizes(file, where, config, caps);
  for (const key of ['layer', 'cell']) {
    const inner = config[key] as LayerJson | undefined;
    if (inner && typeof inner === 'object' && (inner.class_name || inner.className)) checkLayer(file, inner, specs, caps, depth + 1);
  }
  const own = weightsOf(name, specs);
  for (const key of WEIGHT_SIZE_KEYS) {
    const value = config[key];
    if (typeof value !== 'number') continue;
    if (own.length === 0) {
      throw new ModelFileError(file, `${where} asks for ${key}=${value} but has no weights in the weightsManifest`);
    }
    if (!own.some((s) => s.shape.includes(value))) {
      const shapes = own.map((s) => JSON.stringify(s.shape)).join(', ');
      throw new ModelFileError(file, `${where} asks for ${key}=${value}, but its weights have shapes ${shapes}; refused before building it`);
    }
  }
}

function walkLayers(file: string, layers: unknown, specs: WeightSpec[], caps: ModelCaps, depth: number): void {
  if (depth > 16) throw new ModelFileError(file, 'models are nested more than 16 deep');
  if (!Array.isArray(layers)) throw new ModelFileError(file, 'modelTopology has no layers list');
  if (layers.length > 100_000) throw new ModelFileError(file, `modelTopology has ${layers.length} layers, over the cap of 100000`);
  const names = new Set<string>();
  for (const layer of layers as LayerJson[]) {
    if (!layer || typeof layer !== 'object') throw new ModelFileError(file, 'modelTopology has a layer that is not an object');
    const name = String(layer.name ?? layer.config?.name ?? '');
    if (name && names.has(name)) throw new ModelFileError(file, `layer name '${name}' appears twice in one model`);
    names.add(name);
    checkLayer(file, layer, specs, caps, depth);
  }
}

/** Validates a Layers topology against caps and the (already validated) weight specs. */
export function checkTopology(file: string, topology: unknown, specs: WeightSpec[], caps: ModelCaps): void {
  if (!topology || typeof topology !== 'object' || Array.isArray(topology)) {
    throw new ModelFileError(file, 'has no modelTopology object');
  }
  const t = topology as Record<string, unknown>;
  if (Array.isArray(t.node)) {
    throw new ModelFileError(file, 'is a TF.js Graph model (a graph of ops), not a Layers model; open it as a Graph model');
  }
  const root = (t.model_config ?? t) as LayerJson;
  const cls = String(root.class_name ?? root.className ?? '');
  if (!CONTAINERS.has(cls)) throw new ModelFileError(file, `modelTopology has class '${cls}', expected Model, Functional or Sequential`);
  walkLayers(file, Array.isArray(root.config) ? root.config : root.config?.layers, specs, caps, 0);
}
