// The layer graph of a model as this model uses it. A layer can belong to
// several graphs (a base re-used under a new head, a suffix re-applying
// frozen layers), each with its own node; walking back from the model's output
// tensors picks exactly the nodes of this model, for functional and
// Sequential models alike.
import { tf } from '../tf';

export type Layer = tf.layers.Layer;
export type SymbolicTensor = tf.SymbolicTensor;

/** The parts of tfjs-layers' (unexported) Node class that we read. */
interface TfNode {
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}

export interface GraphNode {
  layer: Layer;
  /** The tensors this application of the layer consumed and produced. */
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  callArgs: Record<string, unknown>;
}

function nodeOf(t: SymbolicTensor): TfNode {
  const layer = t.sourceLayer as unknown as { inboundNodes: TfNode[] };
  return layer.inboundNodes[t.nodeIndex];
}

/** Nodes of `model`'s own graph in topological order (inputs first). */
export function modelGraph(model: tf.LayersModel): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<TfNode>();
  const entered = new Set<TfNode>();
  // Iterative post-order DFS: deep networks (InceptionV3: ~300 layers deep) must not overflow the stack.
  const stack: { t: SymbolicTensor; expanded: boolean }[] = model.outputs.map((t) => ({ t, expanded: false })).reverse();
  while (stack.length) {
    const top = stack.pop()!;
    const node = nodeOf(top.t);
    if (seen.has(node)) continue;
    if (top.expanded) {
      seen.add(node);
      order.push({ layer: top.t.sourceLayer as Layer, inputs: node.inputTensors, outputs: node.outputTensors, callArgs: node.callArgs ?? {} });
      continue;
    }
    // A node reached again through another path while its inputs are still being visited: already scheduled.
    if (entered.has(node)) continue;
    entered.add(node);
    stack.push({ t: top.t, expanded: true });
    for (const input of [...node.inputTensors].reverse()) if (!seen.has(nodeOf(input))) stack.push({ t: input, expanded: false });
  }
  return order;
}

export function isContainer(layer: Layer): layer is Layer & tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

export interface LeafLayer {
  layer: Layer;
  /** Names of the enclosing nested models, outermost first. */
  path: string[];
  /** Names of the layers feeding this one, within its own (sub)model. */
  inbound: string[];
}

/** Every non-container layer in topological order, nested models flattened. */
export function leafLayers(model: tf.LayersModel, path: string[] = []): LeafLayer[] {
  const out: LeafLayer[] = [];
  for (const node of modelGraph(model)) {
    if (isContainer(node.layer)) {
      out.push(...leafLayers(node.layer, [...path, node.layer.name]));
    } else {
      const inbound = [...new Set(node.inputs.map((t) => t.sourceLayer.name))];
      out.push({ layer: node.layer, path, inbound });
    }
  }
  return out;
}

/** Nested model layers (containers) inside `model`, outermost first. */
export function nestedModels(model: tf.LayersModel): tf.LayersModel[] {
  return modelGraph(model)
    .map((n) => n.layer)
    .filter(isContainer)
    .flatMap((m) => [m as tf.LayersModel, ...nestedModels(m as tf.LayersModel)]);
}

export function paramCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/**
 * `model.weights` in an order that does not depend on the freeze plan: tfjs
 * lists trainable weights before frozen ones, so a freeze change between two
 * phases reorders `model.weights`. Creation order (the variable ids) does not
 * change, so checkpoints and weight snapshots use it.
 */
export function weightsInStableOrder(model: tf.LayersModel): tf.LayerVariable[] {
  return [...model.weights].sort((a, b) => a.id - b.id);
}
