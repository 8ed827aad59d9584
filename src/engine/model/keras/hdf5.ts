// The HDF5 side of the Keras importer and exporter, through h5wasm (the HDF5
// C library compiled to WebAssembly; see README.md for why not jsfive).
// h5wasm's Node build uses NODERAWFS: it opens real paths and reads only the
// datasets asked for, so a large weights file is never read whole. Every
// HDF5 failure becomes one ModelFileError line; HDF5's own multi-line error
// stack is thrown (not printed) once the throwing handler is on.
import { closeSync, openSync, readSync } from 'node:fs';
import type * as H5 from 'h5wasm';
import { ModelFileError, type ModelCaps } from '../modelFileError';

type H5Api = typeof import('h5wasm').default;
let api: Promise<H5Api> | undefined;
let loaded: H5Api | undefined;

/** h5wasm is an ES module holding 4 MB of wasm: loaded on first use, never at activation. */
export function h5(): Promise<H5Api> {
  api ??= import('h5wasm/node').then(async (m) => {
    const h5wasm = m.default;
    const module = await h5wasm.ready;
    module.activate_throwing_error_handler();
    loaded = h5wasm;
    return h5wasm;
  });
  return api;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The innermost message of an HDF5 error stack ("#005: … in H5F__super_read(): truncated file: …"). */
function hdf5Problem(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const frames = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)/g)].map((m) => m[1].trim());
  return frames.length > 0 ? frames[frames.length - 1] : text.split('\n')[0];
}

/** Refuses what is not HDF5 before the library sees it (HDF5 also accepts a signature at 512, 1024, …; Keras never writes one there). */
function checkSignature(path: string): void {
  const head = Buffer.alloc(8);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ModelFileError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SIGNATURE)) throw new ModelFileError(path, 'is not an HDF5 file (no HDF5 signature at its start)');
}

/** Opens an HDF5 file read-only; `shownAs` names it in errors (the .keras archive for its inner weights file). */
export async function openHdf5(path: string, shownAs = path): Promise<H5.File> {
  checkSignature(path);
  const { File } = await h5();
  try {
    return new File(path, 'r');
  } catch (e) {
    throw new ModelFileError(shownAs, `is not a readable HDF5 file: ${hdf5Problem(e)}`);
  }
}

/** A dataset's float values, refused before any read when its shape is over the caps or its type is not a float. */
export function readFloats(file: H5.File, path: string, shownAs: string, caps: ModelCaps): { shape: number[]; values: Float32Array } {
  let dataset: H5.Dataset;
  let shape: number[];
  let meta: H5.Metadata;
  try {
    const entity = file.get(path);
    // An open file implies h5() has resolved.
    if (!loaded || !(entity instanceof loaded.Dataset)) throw new ModelFileError(shownAs, `has no dataset '${path}'`);
    dataset = entity;
    shape = dataset.shape ?? [];
    meta = dataset.metadata;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(shownAs, `cannot read dataset '${path}': ${hdf5Problem(e)}`);
  }
  const elements = shape.reduce((n, d) => n * d, 1);
  if (shape.some((d) => d > caps.maxDimension) || elements > caps.maxTensorElements) {
    throw new ModelFileError(shownAs, `dataset '${path}' claims shape ${JSON.stringify(shape)} (${elements} elements), over the cap of ${caps.maxTensorElements}`);
  }
  if (meta.type !== 1 /* H5T_FLOAT */ || (meta.size !== 4 && meta.size !== 8)) {
    throw new ModelFileError(shownAs, `dataset '${path}' is not float32 or float64 (HDF5 type ${meta.type}, ${meta.size} bytes); only float weights are read`);
  }
  let raw: H5.OutputData | null;
  try {
    raw = dataset.value;
  } catch (e) {
    throw new ModelFileError(shownAs, `cannot read dataset '${path}': ${hdf5Problem(e)}`);
  }
  if (!(raw instanceof Float32Array || raw instanceof Float64Array) || raw.length !== elements) {
    throw new ModelFileError(shownAs, `dataset '${path}' did not read back as ${elements} floats`);
  }
  const values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ModelFileError(shownAs, `dataset '${path}' holds NaN or Inf (element ${bad})`);
  return { shape, values };
}

/** A string attribute (Keras stores JSON configs and names this way), or undefined when absent. */
export function stringAttr(node: H5.Group, name: string): string | undefined {
  const attr = node.attrs[name];
  if (!attr) return undefined;
  const value = attr.value;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

/** A list-of-strings attribute (`layer_names`, `weight_names`); empty when absent. */
export function stringListAttr(node: H5.Group, name: string): string[] {
  const attr = node.attrs[name];
  if (!attr) return [];
  const value = attr.json_value;
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (typeof value === 'string') return [value];
  return [];
}
