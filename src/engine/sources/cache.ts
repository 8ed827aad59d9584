// The model cache: one folder per model, holding `model/` (a plain TF.js
// model folder) and `manifest.json` (where it came from, and the size and
// sha256 of every file). Entries appear atomically: a download fills a temp
// folder inside the cache root, is checked, and is renamed into place, so a
// crash or a failed download never leaves a half entry behind.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ModelFileError } from '../model/modelFileError';
import type { DownloadedFile } from './download';

export interface CacheManifest {
  version: 1;
  key: string;
  /** The model.json URL it was downloaded from. */
  source: string;
  catalogId?: string;
  format?: 'layers' | 'graph';
  downloadedAt: string;
  files: DownloadedFile[];
}

export type CacheState =
  | { status: 'ok'; modelDir: string; manifest: CacheManifest }
  | { status: 'missing' }
  | { status: 'broken'; reason: string };

const MANIFEST = 'manifest.json';

/** `FINETUNE_CACHE_DIR`, else the platform cache folder + `finetune-studio/models`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FINETUNE_CACHE_DIR) return env.FINETUNE_CACHE_DIR;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local') : join(homedir(), '.cache'));
  return join(base, 'finetune-studio', 'models');
}

/** Folder name for a catalog id, or a hash of an arbitrary URL (so no URL text reaches the file system). */
export function cacheKey(idOrUrl: string, isUrl: boolean): string {
  if (!isUrl && /^[a-z0-9][a-z0-9._-]{0,80}$/i.test(idOrUrl)) return idOrUrl;
  return `url-${createHash('sha256').update(idOrUrl).digest('hex').slice(0, 20)}`;
}

export function entryPaths(root: string, key: string) {
  const entryDir = join(root, key);
  return { entryDir, modelDir: join(entryDir, 'model'), manifestPath: join(entryDir, MANIFEST) };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Throws when a file's hash differs from the catalog's pinned one. */
export function checkPinned(file: DownloadedFile, pinned: Readonly<Record<string, string>> | undefined, label: string): void {
  const want = pinned?.[file.name];
  if (want && want.toLowerCase() !== file.sha256) {
    throw new ModelFileError(label, `sha256 mismatch: expected ${want.toLowerCase()}, got ${file.sha256}`);
  }
}

/**
 * Checks an entry against its manifest: every file present, a regular file,
 * non-empty, the recorded size and sha256 (and the pinned hash when given;
 * `hashes: false` stops at the sizes).
 */
export async function inspectEntry(
  root: string,
  key: string,
  pinned?: Readonly<Record<string, string>>,
  options: { hashes?: boolean } = {},
): Promise<CacheState> {
  const { entryDir, modelDir, manifestPath } = entryPaths(root, key);
  if (!(await lstat(entryDir).catch(() => null))) return { status: 'missing' };
  let manifest: CacheManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as CacheManifest;
    if (manifest.version !== 1 || !Array.isArray(manifest.files) || manifest.files.length === 0) throw new Error('unknown layout');
  } catch (error) {
    return { status: 'broken', reason: `${MANIFEST} unreadable (${(error as Error).message})` };
  }
  for (const file of manifest.files) {
    if (typeof file?.name !== 'string' || file.name.split('/').some((part) => part === '..' || part === '')) {
      return { status: 'broken', reason: `${MANIFEST} names an unsafe path` };
    }
    const path = join(modelDir, ...file.name.split('/'));
    const stat = await lstat(path).catch(() => null);
    if (!stat) return { status: 'broken', reason: `${file.name} is missing` };
    if (!stat.isFile()) return { status: 'broken', reason: `${file.name} is not a regular file` };
    if (stat.size === 0) return { status: 'broken', reason: `${file.name} is empty` };
    if (stat.size !== file.bytes) return { status: 'broken', reason: `${file.name} is ${stat.size} bytes, expected ${file.bytes}` };
    // Sizes only, when asked (listing the catalog); every load checks the hashes.
    if (options.hashes === false) continue;
    const actual = await sha256File(path);
    if (actual !== file.sha256) return { status: 'broken', reason: `${file.name} sha256 mismatch: expected ${file.sha256}, got ${actual}` };
    const want = pinned?.[file.name]?.toLowerCase();
    if (want && want !== actual) return { status: 'broken', reason: `${file.name} sha256 mismatch: catalog pins ${want}, got ${actual}` };
  }
  return { status: 'ok', modelDir, manifest };
}

export interface InstallRequest {
  root: string;
  key: string;
  /** Fills `modelDir` (inside the temp folder) and returns what it wrote. */
  populate: (modelDir: string) => Promise<DownloadedFile[]>;
  /** Last check before the entry becomes visible (hash pins, model validation). */
  validate?: (modelDir: string, files: DownloadedFile[]) => Promise<void>;
  meta: Pick<CacheManifest, 'source' | 'catalogId' | 'format'>;
}

/** Downloads into `<root>/.tmp-*`, validates, writes the manifest, renames into place. Nothing is left on failure. */
export async function installEntry(request: InstallRequest): Promise<{ modelDir: string; manifest: CacheManifest }> {
  const { root, key } = request;
  await mkdir(root, { recursive: true });
  const temp = join(root, `.tmp-${key}-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(temp);
    const tempModel = join(temp, 'model');
    const files = await request.populate(tempModel);
    await request.validate?.(tempModel, files);
    const manifest: CacheManifest = { version: 1, key, ...request.meta, downloadedAt: new Date().toISOString(), files };
    await writeFile(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await moveIntoPlace(temp, root, key);
    return { modelDir: entryPaths(root, key).modelDir, manifest };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Renames `temp` to `<root>/<key>`, replacing a broken entry (a directory rename cannot overwrite a non-empty one). */
async function moveIntoPlace(temp: string, root: string, key: string): Promise<void> {
  const { entryDir } = entryPaths(root, key);
  try {
    await rename(temp, entryDir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
  }
  // Another process may have installed a good copy meanwhile: keep it.
  if ((await inspectEntry(root, key)).status === 'ok') return;
  const trash = join(root, `.trash-${key}-${randomBytes(6).toString('hex')}`);
  await rename(entryDir, trash);
  try {
    await rename(temp, entryDir);
  } finally {
    await rm(trash, { recursive: true, force: true });
  }
}

