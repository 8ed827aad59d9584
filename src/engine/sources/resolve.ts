// From what a user names (a catalog id, a model.json URL or a local folder)
// to a local TF.js model folder, downloading into the cache when needed.
// This is the API the CLI (`models pull`, `train --model`) and the
// extension's "Open Model from Catalog…" quick pick use.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { DEFAULT_CAPS, ModelFileError } from '../model/modelFileError';
import { cacheKey, checkPinned, defaultCacheDir, inspectEntry, installEntry, type CacheManifest } from './cache';
import { CATALOG, findCatalogEntry, type CatalogEntry } from './catalog';
import { downloadModelFiles, type DownloadLimits, type DownloadProgress } from './download';
import { displayUrl } from './fetch';
import { modelJsonUrl } from './formats';
import { locateModelJson, validateLayersModelDir } from '../model/validate';
import { isKerasFile } from '../model/keras/fileKind';
import { validateGraphModelDir } from '../model/graphArtifacts';
import { SharedFlights } from './shared';

export interface PullOptions {
  /** Cache root; defaults to `defaultCacheDir()`. The extension passes its global storage folder. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Non-fatal news, e.g. "cached copy is damaged; downloading again". */
  onNotice?: (message: string) => void;
  /** Explicit proxy (VS Code's `http.proxy`); otherwise HTTPS_PROXY / NO_PROXY apply. */
  proxy?: string;
  env?: NodeJS.ProcessEnv;
  limits?: Partial<DownloadLimits>;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
  ca?: string | Buffer;
  /** Where built-in entries live (the folder holding `media/`); found from this module when omitted. */
  extensionRoot?: string;
  /** Replaces the built-in catalog (tests). */
  catalog?: readonly CatalogEntry[];
  /** Extra check of the downloaded folder before it enters the cache (model validation). */
  validate?: (modelDir: string, format: 'layers' | 'graph' | undefined) => Promise<void>;
}

export interface PulledModel {
  /** Local folder holding model.json. */
  dir: string;
  /** The catalog entry, when pulled by id. */
  entry?: CatalogEntry;
  /** True when no download was needed. */
  fromCache: boolean;
  manifest?: CacheManifest;
}

export interface CatalogListing extends CatalogEntry {
  /** Present in the cache and intact (built-in entries: present on disk). */
  cached: boolean;
}

const flights = new SharedFlights<PulledModel, DownloadProgress>();

/** The folder holding the extension's `media/`, found by walking up from this module (src or dist). */
export function findExtensionRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'finetune-studio') return dir;
      } catch {
        // Not ours; keep walking.
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

function builtinDir(entry: CatalogEntry, options: PullOptions): string {
  const dir = join(options.extensionRoot ?? findExtensionRoot(), entry.url);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new ModelFileError(dir, `built-in model "${entry.id}" is missing (regenerate it with npm run make-demo)`);
  }
  return dir;
}

/**
 * The catalog with a `cached` flag per entry: a damaged copy shows as not
 * cached. `verifyHashes: false` checks presence and sizes only (a quick pick
 * that must open at once); pulling checks the hashes anyway.
 */
export async function listCatalog(options: PullOptions & { verifyHashes?: boolean } = {}): Promise<CatalogListing[]> {
  const root = options.cacheDir ?? defaultCacheDir(options.env);
  return Promise.all(
    (options.catalog ?? CATALOG).map(async (entry) => {
      if (entry.builtin) {
        const present = existsSync(join(options.extensionRoot ?? findExtensionRoot(), entry.url, 'model.json'));
        return { ...entry, cached: present };
      }
      const state = await inspectEntry(root, cacheKey(entry.id, false), entry.sha256, { hashes: options.verifyHashes });
      return { ...entry, cached: state.status === 'ok' };
    }),
  );
}

/**
 * Makes a catalog entry (by id) or any model.json URL available locally.
 * A valid cached copy is used as is; a missing, damaged or tampered one is
 * downloaded again. Concurrent pulls of the same model share one download.
 */
export async function pullModel(idOrUrl: string, options: PullOptions = {}): Promise<PulledModel> {
  const root = options.cacheDir ?? defaultCacheDir(options.env);
  const entry = findCatalogEntry(idOrUrl, options.catalog ?? CATALOG);
  if (!entry && !/^https?:\/\//i.test(idOrUrl)) {
    throw new ModelFileError(idOrUrl, 'not a catalog id or an http(s) URL (see: finetune models list)');
  }
  if (entry?.builtin) return { dir: builtinDir(entry, options), entry, fromCache: true };
  const url = entry ? new URL(entry.url) : modelJsonUrl(idOrUrl);
  const key = entry ? cacheKey(entry.id, false) : cacheKey(url.href, true);

  const state = await inspectEntry(root, key, entry?.sha256);
  if (state.status === 'ok') return { dir: state.modelDir, entry, fromCache: true, manifest: state.manifest };
  if (state.status === 'broken') options.onNotice?.(`cached copy of ${entry?.id ?? displayUrl(url)} is damaged (${state.reason}); downloading again`);

  return flights.join(
    `${resolvePath(root)}\0${key}`,
    async (signal, onProgress) => {
      const installed = await installEntry({
        root,
        key,
        meta: { source: url.href, catalogId: entry?.id, format: entry?.format },
        populate: (modelDir) =>
          downloadModelFiles(url, modelDir, {
            signal,
            onProgress,
            proxy: options.proxy,
            env: options.env,
            limits: options.limits,
            idleTimeoutMs: options.idleTimeoutMs,
            totalTimeoutMs: options.totalTimeoutMs,
            redirectHosts: entry?.redirectHosts,
            ca: options.ca,
          }),
        validate: async (modelDir, files) => {
          for (const file of files) checkPinned(file, entry?.sha256, file.name === 'model.json' ? displayUrl(url) : displayUrl(new URL(file.name, url)));
          await (options.validate ?? validateDownloadedModel)(modelDir, entry?.format).catch((error: unknown) => {
            throw renameToUrl(error, modelDir, url);
          });
        },
      });
      return { dir: installed.modelDir, entry, fromCache: false, manifest: installed.manifest };
    },
    { signal: options.signal, onProgress: options.onProgress },
  );
}

/**
 * The local loader's full validation (paths, sizes, dtypes, topology caps,
 * NaN/Inf) on the downloaded folder, before it may enter the cache.
 */
export async function validateDownloadedModel(modelDir: string, expected: 'layers' | 'graph' | undefined): Promise<void> {
  const format = await detectModelFormat(modelDir);
  if (expected && expected !== format) {
    throw new ModelFileError(join(modelDir, 'model.json'), `is a ${format} model, but the catalog lists a ${expected} model`);
  }
  if (format === 'graph') await validateGraphModelDir(modelDir);
  else await validateLayersModelDir(modelDir);
}

/**
 * `graph` for a TF.js Graph model folder (model.json `format: graph-model`),
 * else `layers`; the loaders validate everything else. Reads at most the
 * model.json cap, so a hostile folder cannot make this allocate more.
 */
export async function detectModelFormat(dir: string): Promise<'layers' | 'graph'> {
  if (isKerasFile(dir)) return 'layers'; // the Keras importer makes a Layers model
  const file = await locateModelJson(dir);
  const info = await stat(file);
  if (!info.isFile() || info.size > DEFAULT_CAPS.maxModelJsonBytes) return 'layers';
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { format?: unknown }).format === 'graph-model' ? 'graph' : 'layers';
  } catch {
    return 'layers';
  }
}

/** Errors about the temp folder name the file by its URL instead: the temp folder is gone by the time the user reads it. */
function renameToUrl(error: unknown, modelDir: string, url: URL): unknown {
  if (!(error instanceof ModelFileError)) return error;
  const rel = relative(modelDir, error.file);
  if (rel.startsWith('..') || isAbsolute(rel)) return error;
  const fileUrl = rel === '' || rel === 'model.json' ? url : new URL(rel.split(sep).join('/'), url);
  return new ModelFileError(displayUrl(fileUrl), error.problem);
}

/**
 * A local model folder for a catalog id, a model.json URL, or a local path
 * (folder or model.json file), pulling into the cache first when needed.
 */
export async function resolveModel(idOrDirOrUrl: string, options: PullOptions = {}): Promise<string> {
  if (findCatalogEntry(idOrDirOrUrl, options.catalog ?? CATALOG) || /^https?:\/\//i.test(idOrDirOrUrl)) {
    return (await pullModel(idOrDirOrUrl, options)).dir;
  }
  // The local loader's rules: a Keras file as is, a folder or model.json, other formats refused with conversion advice.
  const local = resolvePath(idOrDirOrUrl);
  if (isKerasFile(local)) return local;
  return dirname(await locateModelJson(local));
}

