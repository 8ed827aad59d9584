// TF.js Graph models as frozen feature extractors. The folder is validated
// without tfjs (graphArtifacts.ts), tfjs builds the model from memory, and
// every op is checked before anything runs: an op TF.js does not implement,
// or one the active backend lacks, is reported as unsupported and the model
// is disposed without having evaluated anything.
import { tf } from '../tf';
import type { ModelSummary } from '../../shared/summary';
import { ModelFileError, oneLine, type ModelCaps } from './modelFileError';
import { elementCount } from './manifest';
import { validateGraphModelDir, type ValidatedGraphArtifacts } from './graphArtifacts';

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

/** The Graph model as the tree and dashboard show it: one frozen row, with its signature and node count. */
export function summarizeGraphModel(model: tf.GraphModel, artifacts: ValidatedGraphArtifacts, name: string): ModelSummary {
  const graph = signatureOf(model, artifacts.nodeCount);
  const params = artifacts.weightSpecs.reduce((sum, spec) => sum + elementCount(spec.shape), 0);
  const output = graph.outputs[0]?.shape ?? [];
  return {
    name,
    format: 'graph',
    layers: [
      {
        name,
        className: 'GraphModel',
        path: [],
        outputShape: graph.outputs.length > 1 ? graph.outputs.map((o) => o.shape) : output,
        trainableParams: 0,
        nonTrainableParams: params,
        inbound: [],
        config: { nodes: artifacts.nodeCount, ops: artifacts.ops.length, frozen: true },
        hasWeights: params > 0,
        index: 0,
      },
    ],
    totalParams: params,
    trainableParams: 0,
    inputShape: graph.inputs[0]?.shape ?? [],
    defaultCut: null,
    graph,
  };
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
      userDefinedMetadata: artifacts.userDefinedMetadata as {} | undefined,
      modelInitializer: artifacts.modelInitializer,
    }),
  };
  try {
    return await tf.loadGraphModel(handler);
  } catch (e) {
    throw new ModelFileError(artifacts.modelJsonPath, `TF.js could not build the graph: ${oneLine(e instanceof Error ? e.message : String(e))}`);
  }
}

export interface GraphFeatureExtractor {
  model: tf.GraphModel;
  summary: ModelSummary;
  /** Input shape with null for the batch (and any free) dimension. */
  inputShape: Shape;
  /** Shape of `extract`'s result: [null, features]. */
  featureShape: [null, number];
  /** Frozen forward pass: images [batch, h, w, c] → features [batch, n]; 4-D outputs are global-average-pooled. */
  extract(images: tf.Tensor): Promise<tf.Tensor2D>;
  dispose(): void;
}

function toFeatures(output: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const pooled = output.rank === 4 ? output.mean([1, 2]) : output;
    return pooled.reshape([pooled.shape[0], -1]) as tf.Tensor2D;
  });
}

/**
 * Validates and loads a Graph model folder as a frozen feature extractor.
 * Unsupported ops are refused before anything is evaluated; then one zero
 * image goes through to learn the feature size the head will take.
 */
export async function loadGraphFeatureExtractor(dir: string, options: { caps?: Partial<ModelCaps>; name?: string } = {}): Promise<GraphFeatureExtractor> {
  const artifacts = await validateGraphModelDir(dir, options.caps);
  const model = await graphModelFromArtifacts(artifacts);
  try {
    const unsupported = findUnsupportedOps(model);
    if (unsupported.length > 0) {
      const list = unsupported.map((u) => `${u.op} (${u.reason})`).join(', ');
      throw new ModelFileError(artifacts.modelJsonPath, `unsupported op${unsupported.length > 1 ? 's' : ''}: ${list}; the model was not run`);
    }
    const summary = summarizeGraphModel(model, artifacts, options.name ?? artifacts.dir.split(/[\\/]/).pop() ?? 'graph');
    const input = summary.graph!.inputs[0];
    if (!input || summary.graph!.inputs.length !== 1) {
      throw new ModelFileError(artifacts.modelJsonPath, `has ${summary.graph!.inputs.length} inputs; a feature extractor takes exactly one image tensor`);
    }
    const outputName = model.outputNodes[0];
    const dynamic = artifacts.ops.some((op) => ASYNC_OPS.has(op));
    let rawShape: number[] = [];
    const run = async (images: tf.Tensor): Promise<tf.Tensor2D> => {
      const raw = (dynamic ? await model.executeAsync(images, outputName) : model.execute(images, outputName)) as tf.Tensor;
      rawShape = raw.shape;
      try {
        return toFeatures(raw);
      } finally {
        raw.dispose();
      }
    };
    const probeShape = input.shape.map((d, i) => (d === null ? (i === 0 ? 1 : fail(artifacts.modelJsonPath, input.shape)) : d));
    const probe = tf.zeros(probeShape, input.dtype === 'int32' ? 'int32' : 'float32');
    const features = await run(probe).finally(() => probe.dispose());
    const width = features.shape[1];
    features.dispose();
    // Graphs rarely record their output shapes; the probe's answer fills them in for the summary.
    const output = summary.graph!.outputs[0];
    if (output && output.shape.length === 0) {
      output.shape = [null, ...rawShape.slice(1)];
      const outputs = summary.graph!.outputs;
      summary.layers[0].outputShape = outputs.length > 1 ? outputs.map((o) => o.shape) : output.shape;
    }
    return {
      model,
      summary,
      inputShape: input.shape,
      featureShape: [null, width],
      extract: run,
      dispose: () => model.dispose(),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function fail(file: string, shape: Shape): never {
  throw new ModelFileError(file, `input shape ${JSON.stringify(shape)} has free dimensions besides the batch; cannot size the image`);
}
