// Finding the default cut: the last feature layer before the classifier.
import type { tf } from '../tf';
import { modelGraph, type GraphNode } from './graph';

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

/**
 * The last feature layer before the classifier: walk back from the output
 * over the classifier's layers along a single chain; the first other layer is
 * the cut. MobileNetV2 (… → GlobalAveragePooling → Dense) cuts at the pooling,
 * the MNIST CNN (… → flatten → dense → dropout → dense) at `flatten`.
 * A pure MLP (the walk reaches the input) cuts just below its output layer.
 */
export function findDefaultCut(model: tf.LayersModel): string {
  const graph = modelGraph(model);
  const byTensor = new Map<unknown, GraphNode>();
  for (const n of graph) for (const t of n.outputs) byTensor.set(t, n);
  if (model.outputs.length !== 1) throw new Error(`the model has ${model.outputs.length} outputs; choose a cut layer explicitly`);
  const output = byTensor.get(model.outputs[0])!;
  let node = output;
  while (isClassifierLayer(node) && node.inputs.length === 1) {
    const prev = byTensor.get(node.inputs[0]);
    if (!prev) break;
    if (prev.layer.getClassName() === 'InputLayer') {
      // No feature layers at all: keep the input side of the last layer.
      const below = output.inputs.length === 1 ? byTensor.get(output.inputs[0]) : undefined;
      return below && below.layer.getClassName() !== 'InputLayer' ? below.layer.name : output.layer.name;
    }
    node = prev;
  }
  return node.layer.name;
}
