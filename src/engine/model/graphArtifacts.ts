// Reads and validates a TF.js Graph model folder without tfjs: model.json
// (size cap, BOM, JSON, `graph-model` format), its GraphDef nodes (names,
// ops, inputs, placeholder shapes), then the weights with the same manifest,
// shard and NaN checks as Layers models. What comes out is safe to hand to
// tfjs from memory.
import { dirname } from 'node:path';
import { ModelFileError, hasForbiddenSegment, type ModelCaps } from './modelFileError';
import { validateManifest, type WeightSpec } from './manifest';
import { readShards } from './shards';
import { checkFinite } from './weightValues';
import { locateModelJson, readModelJson, resolveCaps } from './validate';

export interface GraphNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface ValidatedGraphArtifacts {
  dir: string;
  modelJsonPath: string;
  /** The GraphDef: `node`, and `library`/`versions` as the converter wrote them. */
  modelTopology: { node: GraphNodeJson[]; library?: unknown; versions?: unknown };
  signature?: object;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: object;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  /** Nodes in the main graph and in library functions. */
  nodeCount: number;
  /** Distinct op names, sorted. */
  ops: string[];
}

/** A GraphDef larger than this is not an image feature extractor. */
export const MAX_GRAPH_NODES = 100_000;
const OP_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function checkNodes(file: string, nodes: unknown, where: string, caps: ModelCaps, ops: Set<string>): number {
  if (!Array.isArray(nodes)) throw new ModelFileError(file, `${where} has no node list`);
  const names = new Set<string>();
  for (const raw of nodes as GraphNodeJson[]) {
    const name = raw?.name;
    if (typeof name !== 'string' || !name || name.length > 1024 || hasForbiddenSegment(name)) {
      throw new ModelFileError(file, `${where} has a node with an invalid name ${JSON.stringify(name)}`);
    }
    if (names.has(name)) throw new ModelFileError(file, `${where} has two nodes named '${name}'`);
    names.add(name);
    if (typeof raw.op !== 'string' || !OP_NAME.test(raw.op)) throw new ModelFileError(file, `node '${name}' has an invalid op ${JSON.stringify(raw.op)}`);
    ops.add(raw.op);
    if (raw.input !== undefined && (!Array.isArray(raw.input) || raw.input.some((i) => typeof i !== 'string'))) {
      throw new ModelFileError(file, `node '${name}' has an invalid input list`);
    }
    if (raw.op === 'Placeholder') checkPlaceholderShape(file, name, raw.attr, caps);
  }
  return nodes.length;
}

/** Placeholder shapes end up in the signature and in what callers feed; absurd ones are refused here. */
function checkPlaceholderShape(file: string, name: string, attr: Record<string, unknown> | undefined, caps: ModelCaps): void {
  const dims = (attr?.shape as { shape?: { dim?: { size?: unknown }[] } } | undefined)?.shape?.dim ?? [];
  if (!Array.isArray(dims)) throw new ModelFileError(file, `placeholder '${name}' has an invalid shape`);
  for (const d of dims) {
    const size = Number(d?.size ?? -1);
    if (!Number.isInteger(size) || size < -1 || size > caps.maxDimension) {
      throw new ModelFileError(file, `placeholder '${name}' has dimension ${JSON.stringify(d?.size)}; expected -1 or 0…${caps.maxDimension}`);
    }
  }
}

/** Everything before tfjs for a Graph model folder; throws ModelFileError naming the file and the problem. */
export async function validateGraphModelDir(path: string, caps?: Partial<ModelCaps>): Promise<ValidatedGraphArtifacts> {
  const limits = resolveCaps(caps);
  const modelJsonPath = await locateModelJson(path);
  const json = await readModelJson(modelJsonPath, limits);
  if (json.format !== 'graph-model') {
    throw new ModelFileError(modelJsonPath, `has format '${String(json.format)}', not graph-model; open it as a Layers model`);
  }
  const topology = json.modelTopology as ValidatedGraphArtifacts['modelTopology'] | undefined;
  if (!topology || typeof topology !== 'object') throw new ModelFileError(modelJsonPath, 'has no modelTopology (GraphDef)');
  const ops = new Set<string>();
  let nodeCount = checkNodes(modelJsonPath, topology.node, 'the graph', limits, ops);
  const functions = (topology.library as { function?: { signature?: { name?: string }; nodeDef?: unknown }[] } | undefined)?.function ?? [];
  if (!Array.isArray(functions)) throw new ModelFileError(modelJsonPath, 'has an invalid function library');
  for (const fn of functions) {
    nodeCount += checkNodes(modelJsonPath, fn?.nodeDef ?? [], `function '${String(fn?.signature?.name)}'`, limits, ops);
  }
  if (nodeCount > MAX_GRAPH_NODES) throw new ModelFileError(modelJsonPath, `has ${nodeCount} nodes, over the cap of ${MAX_GRAPH_NODES}`);

  const groups = validateManifest(modelJsonPath, json.weightsManifest, limits);
  const weightSpecs = groups.flatMap((g) => g.specs);
  const weightData = await readShards(modelJsonPath, dirname(modelJsonPath), groups, limits);
  checkFinite(modelJsonPath, weightSpecs, weightData);
  const object = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
  return {
    dir: dirname(modelJsonPath),
    modelJsonPath,
    modelTopology: topology,
    signature: object(json.signature),
    userDefinedMetadata: object(json.userDefinedMetadata),
    modelInitializer: object(json.modelInitializer),
    weightSpecs,
    weightData,
    nodeCount,
    ops: [...ops].sort(),
  };
}
