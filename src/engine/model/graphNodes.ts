// A Graph model's nodes as the Layers view, `finetune summary` and `--cut`
// see them: every node of the main graph but the constants (the weights),
// in topological order, grouped by name scope, with the weights each one
// reads and the output shape one traced inference gave. Also the default cut:
// the node that feeds the final classifier, not the probabilities.
import type { LayerSummary, ModelSummary } from '../../shared/summary';
import { elementCount } from './manifest';
import type { GraphNodeJson, ValidatedGraphArtifacts } from './graphArtifacts';

type Shape = (number | null)[];

export interface GraphNodeInfo {
  name: string;
  op: string;
  /** Data inputs by node name (control inputs and output indices dropped). */
  inputs: string[];
  /** Elements of the weights this node is the first to read. */
  params: number;
}

/** A tensor reference to its node: `name:1` → `name`; control inputs (`^name`) are not data and give null. */
export function nodeName(input: string): string | null {
  if (input.startsWith('^')) return null;
  const colon = input.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(input.slice(colon + 1)) ? input.slice(0, colon) : input;
}

/** The main graph's non-constant nodes, inputs first; each weight is counted once, at its first reader. */
export function graphNodes(artifacts: ValidatedGraphArtifacts): GraphNodeInfo[] {
  const all = artifacts.modelTopology.node;
  const byName = new Map<string, GraphNodeJson>(all.map((n) => [n.name, n]));
  const weightSize = new Map(artifacts.weightSpecs.map((s) => [s.name, elementCount(s.shape)]));
  const order = topologicalOrder(all, byName);
  const counted = new Set<string>();
  const nodes: GraphNodeInfo[] = [];
  for (const node of order) {
    if (node.op === 'Const') continue;
    const inputs = (node.input ?? []).map(nodeName).filter((i): i is string => i !== null);
    let params = 0;
    for (const i of inputs) {
      if (byName.get(i)?.op !== 'Const' || counted.has(i)) continue;
      counted.add(i);
      params += weightSize.get(i) ?? 0;
    }
    nodes.push({ name: node.name, op: node.op, inputs: inputs.filter((i) => byName.get(i)?.op !== 'Const'), params });
  }
  return nodes;
}

/** Kahn's algorithm, stable in file order; nodes on a cycle (only legal inside control flow) keep their file order at the end. */
function topologicalOrder(nodes: GraphNodeJson[], byName: Map<string, GraphNodeJson>): GraphNodeJson[] {
  const pending = new Map<GraphNodeJson, number>();
  const readers = new Map<GraphNodeJson, GraphNodeJson[]>();
  for (const node of nodes) {
    const inputs = [...new Set((node.input ?? []).map((i) => byName.get(nodeName(i.replace(/^\^/, '')) ?? '')).filter((n) => n !== undefined))];
    pending.set(node, inputs.length);
    for (const i of inputs) readers.set(i, [...(readers.get(i) ?? []), node]);
  }
  const ready = nodes.filter((n) => pending.get(n) === 0);
  const order: GraphNodeJson[] = [];
  for (let k = 0; k < ready.length; k++) {
    order.push(ready[k]);
    for (const r of readers.get(ready[k]) ?? []) {
      const left = pending.get(r)! - 1;
      pending.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  const placed = new Set(order);
  return [...order, ...nodes.filter((n) => !placed.has(n))];
}

/** Ops a classifier's tail passes through between its last features and the probabilities. */
const TAIL_OPS = new Set(['Identity', 'Softmax', 'BiasAdd', 'Add', 'AddV2', 'Reshape', 'Squeeze']);
/** The final classifier's dense layer, as the converter writes it (fused with its bias or not). */
const CLASSIFIER_OPS = new Set(['MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2']);

/**
 * Walks back from the output through the classifier's tail. The cut is the
 * node feeding the final MatMul; failing that, the Softmax's input (logits
 * beat probabilities); failing both (a feature-vector model), the output.
 */
export function defaultGraphCut(nodes: GraphNodeInfo[], output: string): string {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let softmaxInput: string | undefined;
  const seen = new Set<string>();
  for (let node = byName.get(output); node && !seen.has(node.name); ) {
    seen.add(node.name);
    const data = node.inputs[0];
    if (CLASSIFIER_OPS.has(node.op)) return data ?? output;
    if (!TAIL_OPS.has(node.op) || data === undefined) break;
    if (node.op === 'Softmax') softmaxInput = data;
    node = byName.get(data);
  }
  return softmaxInput ?? output;
}

/** Output shape with null for the batch dimension, or [] when the trace could not reach the node. */
function rowShape(shape: number[] | undefined): Shape {
  return shape && shape.length > 0 ? [null, ...shape.slice(1)] : (shape ?? []);
}

/** One row per node, its name scope as the path (so the tree groups by scope); the name stays the full node name, which is what `--cut` takes. */
export function graphSummary(
  artifacts: ValidatedGraphArtifacts,
  nodes: GraphNodeInfo[],
  shapes: Map<string, number[]>,
  parts: { name: string; signature: NonNullable<ModelSummary['graph']>; defaultCut: string },
): ModelSummary {
  const layers: LayerSummary[] = nodes.map((node, index) => ({
    name: node.name,
    className: node.op,
    path: node.name.split('/').slice(0, -1).slice(0, 64),
    outputShape: rowShape(shapes.get(node.name)),
    trainableParams: 0,
    nonTrainableParams: node.params,
    inbound: node.inputs.slice(0, 4096),
    config: {},
    hasWeights: node.params > 0,
    index,
  }));
  const totalParams = artifacts.weightSpecs.reduce((sum, spec) => sum + elementCount(spec.shape), 0);
  return {
    name: parts.name,
    format: 'graph',
    layers,
    totalParams,
    trainableParams: 0,
    inputShape: parts.signature.inputs[0]?.shape ?? [],
    defaultCut: parts.defaultCut,
    graph: parts.signature,
  };
}

/** Weights the graph reads to compute `cut`: what stays frozen in a run cut there. */
export function paramsUpTo(nodes: GraphNodeInfo[], cut: string): number {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const needed = new Set<string>();
  const stack = [cut];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    stack.push(...(byName.get(name)?.inputs ?? []));
  }
  return nodes.reduce((sum, n) => sum + (needed.has(n.name) ? n.params : 0), 0);
}
