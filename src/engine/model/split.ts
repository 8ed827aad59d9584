// Splitting a model at its freeze boundary, for the feature cache: the frozen
// prefix runs once per image (with `predict`), and the trainable suffix trains
// on the cached activations. suffix(prefix(x)) equals model(x).
import { tf } from '../tf';
import { isContainer, leafLayers, modelGraph, type GraphNode, type SymbolicTensor } from './graph';

let splits = 0;

export interface FreezeSplit {
  /** model.inputs → the frontier tensors (one output each, in `boundary` order). */
  prefix: tf.LayersModel;
  /** One Input per frontier tensor → the model's outputs, re-applying the trainable side's layers (weights shared). */
  suffix: tf.LayersModel;
  /** Names of the layers whose outputs form the frontier (several for residual nets). */
  boundary: string[];
}

function isFrozen(node: GraphNode, trainable: Set<string>): boolean {
  if (isContainer(node.layer)) return leafLayers(node.layer).every((l) => !trainable.has(l.layer.name));
  return !trainable.has(node.layer.name);
}

/**
 * The frozen prefix is every frozen layer all of whose inputs come from the
 * prefix (or are model inputs). Its "frontier" is the set of prefix tensors
 * that the rest of the model consumes; a model input that a trainable layer
 * reads directly is part of it too. Returns null when the prefix holds no
 * layer with weights (nothing worth caching) or when nothing trains.
 */
export function splitAtFreezeBoundary(model: tf.LayersModel, trainable: Set<string>): FreezeSplit | null {
  const graph = modelGraph(model);
  const inPrefix = new Set<GraphNode>();
  const producer = new Map<SymbolicTensor, GraphNode>();
  for (const node of graph) for (const t of node.outputs) producer.set(t, node);
  for (const node of graph) {
    const isInput = node.layer.getClassName() === 'InputLayer';
    if (isInput || (isFrozen(node, trainable) && node.inputs.every((t) => inPrefix.has(producer.get(t)!)))) inPrefix.add(node);
  }
  // A prefix of weightless layers only (e.g. MobileNetV2's Conv1_pad under plan 'all') saves no work.
  if ([...inPrefix].every((n) => n.layer.weights.length === 0)) return null;
  if ([...inPrefix].length === graph.length) return null; // nothing trains: there is no suffix

  // Frontier: prefix tensors read by suffix layers or returned as model outputs, in topological order.
  const wanted = new Set<SymbolicTensor>();
  for (const node of graph) if (!inPrefix.has(node)) for (const t of node.inputs) if (inPrefix.has(producer.get(t)!)) wanted.add(t);
  for (const t of model.outputs) if (inPrefix.has(producer.get(t)!)) wanted.add(t);
  const frontier = graph.flatMap((n) => n.outputs).filter((t) => wanted.has(t));

  const prefix = tf.model({ inputs: model.inputs, outputs: frontier, name: `${model.name}_prefix` });

  // Re-apply the suffix layers on fresh inputs; a layer called again shares its weights.
  const mapped = new Map<SymbolicTensor, SymbolicTensor>();
  const tag = ++splits;
  const suffixInputs = frontier.map((t, i) => {
    const input = tf.input({ shape: t.shape.slice(1) as number[], dtype: t.dtype, name: `frontier${tag}_${i}` });
    mapped.set(t, input);
    return input;
  });
  for (const node of graph) {
    if (inPrefix.has(node)) continue;
    const args = node.inputs.map((t) => mapped.get(t)!);
    const result = node.layer.apply(args.length === 1 ? args[0] : args, node.callArgs as Record<string, unknown>);
    const outs = Array.isArray(result) ? (result as SymbolicTensor[]) : [result as SymbolicTensor];
    node.outputs.forEach((t, i) => mapped.set(t, outs[i]));
  }
  const suffix = tf.model({ inputs: suffixInputs, outputs: model.outputs.map((t) => mapped.get(t)!), name: `${model.name}_suffix` });
  const boundary = [...new Set(frontier.map((t) => producer.get(t)!.layer.name))];
  return { prefix, suffix, boundary };
}
