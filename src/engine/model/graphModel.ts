// TF.js Graph models as frozen feature extractors. The folder is validated
// without tfjs (graphArtifacts.ts), tfjs builds the model from memory, and
// every op is checked before anything runs: an op TF.js does not implement,
// or one the active backend lacks, is reported as unsupported and the model
// is disposed without having evaluated anything.
import { tf } from '../tf';
import type { ModelSummary } from '../../shared/summary';
import { ModelFileError, oneLine, type ModelCaps } from './modelFileError';
import { validateGraphModelDir, type ValidatedGraphArtifacts } from './graphArtifacts';
import { defaultGraphCut, graphNodes, graphSummary, nodeName, paramsUpTo, type GraphNodeInfo } from './graphNodes';
import { LayerChoiceError, unknownLayerError } from './head';
import type { FeatureExtractor } from './extractor';

type Shape = (number | null)[];
type Signature = NonNullable<ModelSummary['graph']>;

/** Ops whose graphs need `executeAsync` (control flow, dynamic shapes). */
const ASYNC_OPS = new Set([
  'Enter', 'Exit', 'Merge', 'Switch', 'LoopCond', 'NextIteration', 'If', 'StatelessIf', 'While', 'StatelessWhile',
  'NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5', 'Where', 'ListDiff',
]);

export interface UnsupportedOp {
  op: string;
  reason: string;
}

/** The parts of tfjs-converter's (private) executor graph we read: each node's op and the category its op mapper gave it. */
interface ExecutorGraph {
  nodes?: Record<string, { op: string; category?: string }>;
  functions?: Record<string, ExecutorGraph>;
}

function executorGraph(model: tf.GraphModel): ExecutorGraph {
  const graph = (model as unknown as { executor?: { graph?: ExecutorGraph } }).executor?.graph;
  // tfjs is pinned; if its internals move, refuse rather than run an unchecked graph.
  if (!graph?.nodes) throw new Error('cannot inspect the graph of this tfjs version; refusing to run it unchecked');
  return graph;
}

/**
 * Ops the converter has no mapper for (category unset: executing would throw
 * "Unknown op"), and ops that are kernels on some registered backend but not
 * on the active one (e.g. wasm gaps).
 */
export function findUnsupportedOps(model: tf.GraphModel): UnsupportedOp[] {
  const backend = tf.getBackend();
  const active = new Set(tf.getKernelsForBackend(backend).map((k) => k.kernelName));
  const known = new Set(tf.engine().backendNames().flatMap((b) => tf.getKernelsForBackend(b).map((k) => k.kernelName)));
  const found = new Map<string, string>();
  const visit = (graph: ExecutorGraph) => {
    for (const node of Object.values(graph.nodes ?? {})) {
      if (found.has(node.op)) continue;
      if (!node.category) found.set(node.op, 'TF.js has no implementation of this op');
      else if (known.has(node.op) && !active.has(node.op)) found.set(node.op, `the ${backend} backend lacks this kernel`);
    }
    for (const fn of Object.values(graph.functions ?? {})) visit(fn);
  };
  visit(executorGraph(model));
  return [...found].map(([op, reason]) => ({ op, reason })).sort((a, b) => a.op.localeCompare(b.op));
}

function toShape(shape: number[] | undefined): Shape {
  return (shape ?? []).map((d) => (d === -1 || d === undefined || d === null ? null : d));
}

function signatureOf(model: tf.GraphModel, nodeCount: number): Signature {
  const info = (list: tf.GraphModel['inputs'] | undefined) => (list ?? []).map((t) => ({ name: t.name, shape: toShape(t.shape), dtype: String(t.dtype ?? 'float32') }));
  return { inputs: info(model.inputs), outputs: info(model.outputs), nodeCount };
}

/** Builds the GraphModel from validated bytes; tfjs reads nothing from disk itself. */
export async function graphModelFromArtifacts(artifacts: ValidatedGraphArtifacts): Promise<tf.GraphModel> {
  const handler: tf.io.IOHandler = {
    load: async () => ({
      format: 'graph-model',
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
      weightData: artifacts.weightData,
      signature: artifacts.signature,
      userDefinedMetadata: artifacts.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
      modelInitializer: artifacts.modelInitializer,
    }),
  };
  try {
    return await tf.loadGraphModel(handler);
  } catch (e) {
    throw new ModelFileError(artifacts.modelJsonPath, `TF.js could not build the graph: ${oneLine(e instanceof Error ? e.message : String(e))}`);
  }
}

export interface GraphFeatureExtractor extends FeatureExtractor {
  /** Every node, grouped by name scope, with traced output shapes; `defaultCut` is the node feeding the classifier. */
  summary: ModelSummary;
  /** Input shape with null for the batch (and any free) dimension. */
  inputShape: Shape;
  /** The node the graph runs up to. */
  cut: string;
  /** Weights the graph reads up to the cut. */
  frozenParams: number;
  dispose(): void;
}

/** The saved base of a fine-tuned Graph model records its cut here (graph/saved.ts). */
export const CUT_METADATA_KEY = 'finetuneCut';

interface GraphOptions {
  caps?: Partial<ModelCaps>;
  name?: string;
}

/** A validated, loaded and traced Graph model, before any cut is chosen. */
interface OpenedGraph {
  summary: ModelSummary;
  inputShape: Shape;
  /** The cut the folder records, else the node feeding the final classifier. */
  defaultCut: string;
  nodes: GraphNodeInfo[];
  /** Output shape per node name (batch 1), from the trace. */
  shapes: Map<string, number[]>;
  probe(): tf.Tensor;
  execute(images: tf.Tensor, outputs: string[]): Promise<tf.Tensor[]>;
  dispose(): void;
}

/**
 * Validates and loads a Graph model folder. Unsupported ops are refused
 * before anything is evaluated; then one zero image is traced through every
 * node, for the summary's shapes and the cut check.
 */
async function openGraph(dir: string, options: GraphOptions): Promise<OpenedGraph> {
  const artifacts = await validateGraphModelDir(dir, options.caps);
  const model = await graphModelFromArtifacts(artifacts);
  try {
    const unsupported = findUnsupportedOps(model);
    if (unsupported.length > 0) {
      const list = unsupported.map((u) => `${u.op} (${u.reason})`).join(', ');
      throw new ModelFileError(artifacts.modelJsonPath, `unsupported op${unsupported.length > 1 ? 's' : ''}: ${list}; the model was not run`);
    }
    const signature = signatureOf(model, artifacts.nodeCount);
    const input = signature.inputs[0];
    if (!input || signature.inputs.length !== 1) {
      throw new ModelFileError(artifacts.modelJsonPath, `has ${signature.inputs.length} inputs; a feature extractor takes exactly one image tensor`);
    }
    const dynamic = artifacts.ops.some((op) => ASYNC_OPS.has(op));
    const execute = async (images: tf.Tensor, outputs: string[]): Promise<tf.Tensor[]> => {
      const out = dynamic ? await model.executeAsync(images, outputs) : model.execute(images, outputs);
      return Array.isArray(out) ? out : [out];
    };
    const nodes = graphNodes(artifacts);
    const probeShape = input.shape.map((d, i) => (d === null ? (i === 0 ? 1 : fail(artifacts.modelJsonPath, input.shape)) : d));
    const probe = () => tf.zeros(probeShape, input.dtype === 'int32' ? 'int32' : 'float32');
    const shapes = await traceShapes(nodes.map((n) => n.name), probe, execute);
    // Graphs rarely record their output shapes; the trace fills them in.
    for (const o of signature.outputs) {
      const traced = shapes.get(nodeName(o.name) ?? o.name);
      if (o.shape.length === 0 && traced) o.shape = [null, ...traced.slice(1)];
    }
    const recorded = artifacts.userDefinedMetadata?.[CUT_METADATA_KEY];
    const defaultCut = typeof recorded === 'string' ? recorded : defaultGraphCut(nodes, nodeName(model.outputNodes[0]) ?? model.outputNodes[0]);
    const name = options.name ?? artifacts.dir.split(/[\\/]/).pop() ?? 'graph';
    const summary = graphSummary(artifacts, nodes, shapes, { name, signature, defaultCut });
    return { summary, inputShape: input.shape, defaultCut, nodes, shapes, probe, execute, dispose: () => model.dispose() };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The node-by-node summary (the Layers view, `finetune summary`), whatever the cut. */
export async function summarizeGraphModelDir(dir: string, options: GraphOptions = {}): Promise<ModelSummary> {
  const graph = await openGraph(dir, options);
  graph.dispose();
  return graph.summary;
}

/**
 * A Graph model folder as a frozen feature extractor run up to `cut` (by
 * default the cut the folder records, else the node feeding the final
 * classifier), which must have a 2-D or 4-D output.
 */
export async function loadGraphFeatureExtractor(dir: string, options: GraphOptions & { cut?: string } = {}): Promise<GraphFeatureExtractor> {
  const graph = await openGraph(dir, options);
  try {
    const cut = options.cut ?? graph.defaultCut;
    if (!graph.shapes.has(cut) && graph.nodes.some((n) => n.name === cut)) {
      for (const [node, shape] of await traceShapes([cut], graph.probe, graph.execute)) graph.shapes.set(node, shape);
    }
    const cutShape = checkCut(graph.nodes.map((n) => n.name), graph.shapes, cut);
    return {
      summary: graph.summary,
      inputShape: graph.inputShape,
      cut,
      frozenParams: paramsUpTo(graph.nodes, cut),
      shapes: [cutShape.slice(1)],
      extract: (images) => graph.execute(images, [cut]),
      dispose: graph.dispose,
    };
  } catch (e) {
    graph.dispose();
    throw e;
  }
}

/** One zero image through the graph, every node an output: each node's output shape (batch 1). Nodes the trace cannot reach stay unknown. */
async function traceShapes(names: string[], probe: () => tf.Tensor, execute: (images: tf.Tensor, outputs: string[]) => Promise<tf.Tensor[]>): Promise<Map<string, number[]>> {
  const shapes = new Map<string, number[]>();
  const images = probe();
  try {
    const outputs = await execute(images, names);
    outputs.forEach((t, i) => shapes.set(names[i], t.shape));
    tf.dispose(outputs);
  } catch {
    // Some graphs cannot return every node (e.g. inside control flow); the output alone is still traced for the cut check.
  } finally {
    images.dispose();
  }
  return shapes;
}

/** The cut must be a node with a traced 2-D or 4-D output: what a dense head or global pooling takes. */
function checkCut(names: string[], shapes: Map<string, number[]>, cut: string): number[] {
  if (!names.includes(cut)) throw unknownLayerError('cut node', cut, names);
  const shape = shapes.get(cut);
  if (!shape) throw new LayerChoiceError(`cut node '${cut}': its output shape could not be traced; choose another node`);
  if (shape.length !== 2 && shape.length !== 4) {
    throw new LayerChoiceError(`cut node '${cut}' has a ${shape.length}-D output ${JSON.stringify([null, ...shape.slice(1)]).replace(/null/g, 'None')}; choose a node with a 2-D or 4-D output`);
  }
  return shape;
}

function fail(file: string, shape: Shape): never {
  throw new ModelFileError(file, `input shape ${JSON.stringify(shape)} has free dimensions besides the batch; cannot size the image`);
}
