// Builders for hostile Keras files: a .keras archive re-zipped with edited
// entries, HDF5 files rewritten dataset by dataset, and byte patches.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type * as H5 from 'h5wasm';
import { h5 } from '../../src/engine/model/keras/hdf5';

export type Entries = Record<string, Uint8Array>;

export const readEntries = (path: string): Entries => unzipSync(readFileSync(path));
export const writeEntries = (path: string, entries: Entries) => writeFileSync(path, zipSync(entries, { level: 0 }));

/** A .keras copy whose config.json went through `edit`. */
export function editConfig(src: string, out: string, edit: (config: any) => void): void {
  const entries = readEntries(src);
  const config = JSON.parse(strFromU8(entries['config.json']));
  edit(config);
  entries['config.json'] = strToU8(JSON.stringify(config));
  writeEntries(out, entries);
}

interface DatasetCopy {
  path: string;
  shape: number[];
  values: Float32Array;
  /** Chunked storage with unlimited dimensions, so the test can later resize it without writing data. */
  resizable?: boolean;
}

function datasets(file: H5.File, group: H5.Group, prefix: string, out: DatasetCopy[], Dataset: typeof H5.Dataset): void {
  for (const name of group.keys()) {
    const child = group.get(name);
    if (child instanceof Dataset && child.metadata.type === 1) out.push({ path: `${prefix}${name}`, shape: child.shape ?? [], values: Float32Array.from(child.value as Float32Array) });
    else if (child && 'keys' in child) datasets(file, child as H5.Group, `${prefix}${name}/`, out, Dataset);
  }
}

/** model.weights.h5 bytes rebuilt from `weights` with each dataset passed through `edit` (null drops it). */
export async function rewriteWeights(weights: Uint8Array, edit: (d: DatasetCopy) => DatasetCopy | null, after?: (file: H5.File) => void): Promise<Uint8Array> {
  const { File, Dataset } = await h5();
  const dir = mkdtempSync(join(tmpdir(), 'ft-h5-'));
  try {
    writeFileSync(join(dir, 'in.h5'), weights);
    const src = new File(join(dir, 'in.h5'), 'r');
    const all: DatasetCopy[] = [];
    try {
      datasets(src, src, '', all, Dataset);
    } finally {
      src.close();
    }
    // The format h5py writes: no metadata checksums, so tests can patch bytes.
    const dst = new File(join(dir, 'out.h5'), 'w', { libver: ['earliest', 'v110'] });
    try {
      // Scalars (the optimizer's iteration count) are not weights.
      for (const d of all.filter((x) => x.shape.length > 0).map(edit)) {
        if (!d) continue;
        const parts = d.path.split('/');
        let g: H5.Group = dst;
        for (const p of parts.slice(0, -1)) g = (g.get(p) as H5.Group | null) ?? g.create_group(p);
        const storage = d.resizable ? { chunks: d.shape.map(() => 64), maxshape: d.shape.map(() => null) } : {};
        g.create_dataset({ name: parts[parts.length - 1], data: d.values, shape: d.shape, dtype: '<f', ...storage });
      }
      after?.(dst);
    } finally {
      dst.close();
    }
    return readFileSync(join(dir, 'out.h5'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every offset at which `needle` occurs in `haystack`. */
export function occurrences(haystack: Uint8Array, needle: Uint8Array): number[] {
  const found: number[] = [];
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    found.push(i);
  }
  return found;
}

export const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return new Uint8Array(b);
};
