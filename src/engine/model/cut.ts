// Finding the default cut (the last feature layer before the classifier), and
// reaching a cut that lies inside a nested model.
import { tf } from '../tf';
import { isContainer, leafLayers, modelGraph, type GraphNode, type Layer, type SymbolicTensor } from './graph';

/** Layers that make up a classifier on top of the features (walked over from the output). */
const CLASSIFIER_CLASSES = new Set([
  'Dense', 'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Activation', 'Softmax', 'Reshape', 'ReLU', 'LeakyReLU',
]);

function kernelIs1x1(layer: GraphNode['layer']): boolean {
  const ks = (layer.getConfig() as { kernelSize?: number | number[] }).kernelSize;
  return Array.isArray(ks) ? ks.every((k) => k === 1) : ks === 1;
}

/**
 * A layer belongs to the classifier if it is dense-like: Dense, dropout,
 * activations and reshapes, or a 1×1 convolution on a 1×1 map (the
 * "conv_preds" of Keras/tfjs MobileNet v1, which is a Dense in disguise).
 */
function isClassifierLayer(node: GraphNode): boolean {
  const cls = node.layer.getClassName();
  if (CLASSIFIER_CLASSES.has(cls)) return true;
  if (cls === 'Conv2D' && node.inputs.length === 1) {
    const shape = node.inputs[0].shape;
    return shape.length === 4 && shape[1] === 1 && shape[2] === 1 && kernelIs1x1(node.layer);
  }
  return false;
}

/** The layer that produces a nested model's (first) output, looking through further nesting. */
function outputLayer(model: tf.LayersModel): Layer {
  const layer = model.outputs[0].sourceLayer as Layer;
  return isContainer(layer) ? outputLayer(layer) : layer;
}

/**
 * Whether a nested model ends in the original classifier: its output layer is
 * a softmax, or a Dense as wide as the whole model's output (the class count).
 * A nested model that does not (a feature extractor, however it ends) is cut
 * at its output; one that does is walked into.
 */
function endsInClassifier(model: tf.LayersModel, classCount: number | null): boolean {
  const layer = outputLayer(model);
  const config = layer.getConfig() as { activation?: string; units?: number };
  if (layer.getClassName() === 'Softmax' || config.activation === 'softmax') return true;
  return layer.getClassName() === 'Dense' && config.units === classCount;
}

/**
 * Walks back from `model`'s output over classifier layers, into nested models
 * that end in the classifier. Returns the first feature layer met (a leaf
 * layer's name, even when it sits inside a nested model), or null when the walk
 * reaches the input (every layer on the way is a classifier layer).
 */
function walkBack(model: tf.LayersModel, classCount: number | null): string | null {
  const byTensor = new Map<unknown, GraphNode>();
  for (const n of modelGraph(model)) for (const t of n.outputs) byTensor.set(t, n);
  let node = byTensor.get(model.outputs[0]);
  while (node && node.layer.getClassName() !== 'InputLayer') {
    if (isContainer(node.layer)) {
      if (!endsInClassifier(node.layer, classCount)) return outputLayer(node.layer).name;
      const inner = walkBack(node.layer, classCount);
      if (inner !== null) return inner;
    } else if (!isClassifierLayer(node)) {
      return node.layer.name;
    }
    if (node.inputs.length !== 1) return node.layer.name;
    node = byTensor.get(node.inputs[0]);
  }
  return null;
}

/**
 * The last feature layer before the classifier: walk back from the output
 * over the classifier's layers along a single chain; the first other layer is
 * the cut. MobileNetV2 (… → GlobalAveragePooling → Dense) cuts at the pooling,
 * the MNIST CNN (… → flatten → dense → dropout → dense) at `flatten`.
 * Nested models are looked into: a Teachable Machine export (a Sequential of
 * [Sequential [truncated MobileNet, pooling], Sequential [Dense, Dense softmax]])
 * cuts at the pooling inside the first one, never after the classifier.
 * A pure MLP (the walk reaches the input) cuts just below its output layer.
 */
export function findDefaultCut(model: tf.LayersModel): string {
  if (model.outputs.length !== 1) throw new Error(`the model has ${model.outputs.length} outputs; choose a cut layer explicitly`);
  const width = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  const found = walkBack(model, typeof width === 'number' ? width : null);
  if (found !== null) return found;
  // No feature layers at all: keep the input side of the last layer.
  const graph = modelGraph(model);
  const output = graph[graph.length - 1];
  const below = output.inputs.length === 1 ? (output.inputs[0].sourceLayer as Layer) : undefined;
  return below && below.getClassName() !== 'InputLayer' ? below.name : output.layer.name;
}

let truncations = 0;

/**
 * The output tensor of layer `cut` in `model`'s own graph, or undefined when
 * the model has no such layer. A layer inside a nested model is reached by
 * truncating that nested model at it (sharing its layers and weights, as
 * Teachable Machine itself truncates MobileNet) and applying the truncated
 * model where the nested one was applied.
 */
export function cutOutput(model: tf.LayersModel, cut: string): SymbolicTensor[] | undefined {
  for (const node of modelGraph(model)) {
    if (node.layer.name === cut) return node.outputs;
    if (!isContainer(node.layer) || !leafLayers(node.layer).some((l) => l.layer.name === cut)) continue;
    const inner = cutOutput(node.layer, cut)!;
    if (inner.length !== 1) return inner;
    const truncated = tf.model({ inputs: node.layer.inputs, outputs: inner[0], name: `${node.layer.name}_to_${cut}_${++truncations}` });
    const args = node.inputs;
    return [truncated.apply(args.length === 1 ? args[0] : args) as SymbolicTensor];
  }
  return undefined;
}
