// Reading weight shards safely: every path is checked before any shard is
// opened, each shard must resolve (symlinks included) inside the model folder,
// be a regular file under the size cap, and the bytes of each group must
// match what its weight specs need, exactly.
import { constants, promises as fsp } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ModelFileError, type ModelCaps } from './modelFileError';
import type { ManifestGroup } from './manifest';

/** Rejects a manifest path that could name a file outside the model folder. */
export function checkShardPath(modelJson: string, p: string): void {
  const bad = (why: string) => new ModelFileError(modelJson, `weight path '${p}' ${why}`);
  if (p.length === 0 || p.length > 1024) throw bad('is empty or too long');
  if (p.includes('\0')) throw bad('contains a NUL byte');
  if (p.includes('\\')) throw bad("contains a backslash (a '..\\' escape on Windows)");
  if (isAbsolute(p) || /^[A-Za-z]:/.test(p) || p.startsWith('/')) throw bad('is absolute; weight paths must be relative to the model folder');
  if (p.includes(':')) throw bad('looks like a URL; weight paths must be relative file names');
  if (/%[0-9A-Fa-f]{2}/.test(p)) {
    // tfjs fetches shard paths as URLs, so '%2e%2e%2f' would decode to '../'.
    throw bad('contains a percent-encoded escape');
  }
  if (p.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) throw bad("leaves the model folder ('..', '.' or an empty segment)");
}

async function realDir(dir: string): Promise<string> {
  return fsp.realpath(dir);
}

/** Resolves a checked path and proves, through symlinks, that it stays inside `root` (a realpath). */
async function resolveInside(modelJson: string, root: string, p: string): Promise<string> {
  let real: string;
  try {
    real = await fsp.realpath(join(root, p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(join(root, p), code === 'ENOENT' ? 'weight shard is missing' : `weight shard cannot be resolved (${code})`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ModelFileError(modelJson, `weight path '${p}' is a symlink leading out of the model folder`);
  }
  return real;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

interface ShardPlan {
  file: string;
  real: string;
  size: number;
}

/**
 * Checks every path, then stats every shard, then reads them into one buffer.
 * Nothing is read before the whole plan (paths, kinds, sizes, totals) is known good.
 */
export async function readShards(modelJson: string, dir: string, groups: ManifestGroup[], caps: ModelCaps): Promise<ArrayBuffer> {
  for (const g of groups) for (const p of g.paths) checkShardPath(modelJson, p);
  const root = await realDir(dir);
  const plans: ShardPlan[][] = [];
  let total = 0;
  for (const g of groups) {
    const groupPlans: ShardPlan[] = [];
    let groupBytes = 0;
    for (const p of g.paths) {
      const file = join(dir, p);
      const real = await resolveInside(modelJson, root, p);
      const st = await fsp.stat(real);
      if (!st.isFile()) throw new ModelFileError(file, `weight shard is ${kindOf(st)}, not a regular file`);
      if (st.size > caps.maxShardBytes) throw new ModelFileError(file, `weight shard is ${st.size} bytes, over the cap of ${caps.maxShardBytes}`);
      groupPlans.push({ file, real, size: st.size });
      groupBytes += st.size;
    }
    if (groupBytes !== g.bytes) {
      const last = groupPlans[groupPlans.length - 1].file;
      const elem = g.specs.length ? g.specs[g.specs.length - 1] : undefined;
      const how = groupBytes < g.bytes ? 'too short' : 'too long';
      const unit = elem ? (elem.quantization?.dtype ?? elem.dtype) : undefined;
      const size = unit === 'float32' || unit === 'int32' ? 4 : unit === 'uint16' || unit === 'float16' ? 2 : 1;
      const multiple = groupBytes % size !== 0 ? `; ${groupBytes} is not a multiple of the ${size}-byte ${unit} size` : '';
      throw new ModelFileError(last, `weight shards are ${how}: ${groupBytes} bytes on disk, but the weight specs need exactly ${g.bytes}${multiple}`);
    }
    total += groupBytes;
    if (total > caps.maxTotalWeightBytes) throw new ModelFileError(modelJson, `weights total ${total} bytes, over the cap of ${caps.maxTotalWeightBytes}`);
    plans.push(groupPlans);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const shard of plans.flat()) {
    offset += await readExactly(shard, out, offset);
  }
  return out.buffer;
}

/** Reads one shard into `out`; the fd is re-checked so a swap after stat (to a FIFO or a bigger file) is caught. */
async function readExactly(shard: ShardPlan, out: Uint8Array, offset: number): Promise<number> {
  // O_NONBLOCK keeps a FIFO swapped in after the stat from blocking the open; O_NOFOLLOW refuses a new symlink.
  const handle = await fsp.open(shard.real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size !== shard.size) throw new ModelFileError(shard.file, 'weight shard changed while it was being read');
    let done = 0;
    while (done < shard.size) {
      const { bytesRead } = await handle.read(out, offset + done, shard.size - done, done);
      if (bytesRead === 0) throw new ModelFileError(shard.file, 'weight shard ended early while it was being read');
      done += bytesRead;
    }
    return done;
  } finally {
    await handle.close();
  }
}
