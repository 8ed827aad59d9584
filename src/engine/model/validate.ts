// Reads and validates a TF.js Layers model folder without tfjs: model.json
// (size cap, BOM, JSON), its manifest, its topology, its shards and their
// values. What comes out is safe to hand to tfjs from memory.
import { constants, promises as fsp } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { DEFAULT_CAPS, ModelFileError, type ModelCaps } from './modelFileError';
import { validateManifest, type WeightSpec } from './manifest';
import { readShards } from './shards';
import { checkTopology } from './topologyCheck';
import { checkFinite } from './weightValues';
import { refuseForeignFormat } from './foreignFormats';

/** A validated model folder, ready for `tf.io.fromMemory`. */
export interface ValidatedArtifacts {
  dir: string;
  modelJsonPath: string;
  modelTopology: object;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  userDefinedMetadata?: Record<string, unknown>;
}

export function resolveCaps(caps?: Partial<ModelCaps>): ModelCaps {
  return { ...DEFAULT_CAPS, ...caps };
}

/** Finds model.json for a folder or a model.json path, refusing other model formats with advice. */
export async function locateModelJson(path: string): Promise<string> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch {
    throw new ModelFileError(path, 'does not exist');
  }
  if (st.isFile()) {
    if (extname(path).toLowerCase() === '.json') return path;
    refuseForeignFormat(path, true);
    throw new ModelFileError(path, 'is not a TF.js model: expected a folder holding model.json, or a model.json file');
  }
  if (!st.isDirectory()) throw new ModelFileError(path, 'is neither a folder nor a model.json file');
  const json = join(path, 'model.json');
  const names = await fsp.readdir(path);
  if (names.includes('model.json')) return json;
  refuseForeignFormat(path, false, names);
  throw new ModelFileError(json, 'is missing: a TF.js Layers model folder holds model.json and its weight shards');
}

/** Reads model.json (Layers or Graph) with a size cap, refusing FIFOs, devices, a BOM and malformed JSON. */
export async function readModelJson(file: string, caps: ModelCaps): Promise<Record<string, unknown>> {
  const pre = await fsp.stat(file);
  if (!pre.isFile()) throw new ModelFileError(file, 'is not a regular file');
  if (pre.size > caps.maxModelJsonBytes) throw new ModelFileError(file, `is ${pre.size} bytes, over the cap of ${caps.maxModelJsonBytes}`);
  const handle = await fsp.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > caps.maxModelJsonBytes) throw new ModelFileError(file, 'changed while it was being read');
    bytes = Buffer.alloc(st.size);
    const { bytesRead } = await handle.read(bytes, 0, st.size, 0);
    if (bytesRead !== st.size) throw new ModelFileError(file, 'ended early while it was being read');
  } finally {
    await handle.close();
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new ModelFileError(file, 'starts with a UTF-8 byte-order mark (BOM); save it as plain UTF-8 JSON');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ModelFileError(file, 'is UTF-16 (it starts with a byte-order mark); save it as plain UTF-8 JSON');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ModelFileError(file, `is not valid JSON (${(e as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ModelFileError(file, 'is JSON but not an object');
  return parsed as Record<string, unknown>;
}

/** Everything before tfjs: throws ModelFileError naming the file and the problem. */
export async function validateLayersModelDir(path: string, caps?: Partial<ModelCaps>): Promise<ValidatedArtifacts> {
  const limits = resolveCaps(caps);
  const modelJsonPath = await locateModelJson(path);
  const json = await readModelJson(modelJsonPath, limits);
  if (json.format === 'graph-model') {
    throw new ModelFileError(modelJsonPath, 'is a TF.js Graph model (format graph-model), not a Layers model; open it as a Graph model');
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(modelJsonPath, `has unknown format '${String(json.format)}' (expected layers-model)`);
  }
  const groups = validateManifest(modelJsonPath, json.weightsManifest, limits);
  const weightSpecs = groups.flatMap((g) => g.specs);
  checkTopology(modelJsonPath, json.modelTopology, weightSpecs, limits);
  const weightData = await readShards(modelJsonPath, dirname(modelJsonPath), groups, limits);
  checkFinite(modelJsonPath, weightSpecs, weightData);
  const meta = json.userDefinedMetadata;
  return {
    dir: dirname(modelJsonPath),
    modelJsonPath,
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData,
    userDefinedMetadata: meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined,
  };
}
