import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** A write under the run folder failed (disk full, no permission, a file where a folder should be). One line. */
export class OutputError extends Error {
  override name = 'OutputError';
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way where a folder should be',
  EEXIST: 'a file is in the way where a folder should be',
  EISDIR: 'a folder is in the way where a file should be',
};

/** Runs a write and turns a file-system error into one OutputError line naming the path and the cause. */
export function writing<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new OutputError(`cannot write ${what} ${path}: ${REASONS[code] ?? (err as Error).message.split('\n')[0]} (${code})`);
  }
}

/** Writes a file through a temp file, fsync and rename: readers see the old content or the new, never half. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  writing('file', file, () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic.sync(file, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), { fsync: true });
  });
}

export function writeJsonAtomicSync(file: string, value: unknown): void {
  writeFileAtomicSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Writes a whole folder of files atomically: they go into a sibling temp
 * folder, are fsynced, and the folder is renamed into place. An existing
 * folder is moved aside first and removed only after the new one is in place,
 * so a crash at any point leaves either the old folder or the new one.
 */
export function writeDirAtomicSync(target: string, files: Record<string, string | Uint8Array>): void {
  writing('folder', target, () => writeDir(target, files));
}

function writeDir(target: string, files: Record<string, string | Uint8Array>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const temp = join(parent, `.${basename(target)}.tmp-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    mkdirSync(temp);
    for (const [name, data] of Object.entries(files)) {
      const path = join(temp, name);
      writeFileSync(path, data);
      const fd = openSync(path, 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    const hadOld = existsSync(target);
    if (hadOld) renameWithRetry(target, old);
    renameWithRetry(temp, target);
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    // Failed between the two renames: put the previous folder back.
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw err;
  }
}

/**
 * rename, retried a few times on EBUSY and EPERM: on Windows a virus scanner
 * or indexer briefly holding a file makes a rename fail that succeeds moments later.
 */
export function renameWithRetry(from: string, to: string, attempts = 5): void {
  for (let i = 1; ; i++) {
    try {
      renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (i >= attempts || (code !== 'EBUSY' && code !== 'EPERM')) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * i);
    }
  }
}

/**
 * Repairs what a crash inside writeDirAtomicSync can leave: a half-written
 * temp folder (removed), or, if the crash fell between moving the old folder
 * aside and renaming the new one in, no target but a complete old one (put back).
 */
export function recoverDirWrite(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const name = basename(target);
  const leftovers = readdirSync(parent).filter((f) => f.startsWith(`.${name}.tmp-`) || f.startsWith(`.${name}.old-`));
  const old = leftovers.filter((f) => f.startsWith(`.${name}.old-`)).sort().pop();
  if (!existsSync(target) && old) renameWithRetry(join(parent, old), target);
  for (const f of leftovers) rmSync(join(parent, f), { recursive: true, force: true });
}
