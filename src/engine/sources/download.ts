// Downloads a TF.js model (model.json, then every shard it names) into a
// folder. The caller owns the folder (a temp folder inside the cache root)
// and deletes it on failure; this module only fetches and checks what the
// network may get wrong: statuses, origins, paths, sizes, time-outs.
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelFileError } from '../model/modelFileError';
import { checkShardPath } from '../model/shards';
import { displayUrl, fetchToSink, type FetchOptions } from './fetch';
import type { ProxyOptions } from './proxy';

export interface DownloadLimits {
  maxModelJsonBytes: number;
  maxShardBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  maxModelJsonBytes: 32 * 1024 * 1024,
  maxShardBytes: 512 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
};

export interface DownloadProgress {
  /** The file being fetched (`model.json` or a shard path). */
  file: string;
  /** Bytes received so far, all files together. */
  bytes: number;
  /** Expected bytes, all files together, when known (from the weight specs). */
  total: number | null;
  bytesPerSecond: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | null;
}

export interface DownloadOptions extends ProxyOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  limits?: Partial<DownloadLimits>;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
  redirectHosts?: readonly string[];
  ca?: string | Buffer;
}

export interface DownloadedFile {
  /** Path relative to the model folder, as named in model.json (`model.json` itself included). */
  name: string;
  bytes: number;
  sha256: string;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
// Our own names in the cache folder; a shard by that name would overwrite them.
const RESERVED = new Set(['model.json', 'manifest.json']);

/** Shard paths named by a parsed model.json, each checked to stay inside the model folder and on its origin. */
export function shardPaths(modelJson: unknown, modelUrl: URL): { path: string; url: URL }[] {
  const name = displayUrl(modelUrl);
  if (typeof modelJson !== 'object' || modelJson === null || Array.isArray(modelJson)) {
    throw new ModelFileError(name, 'is not a JSON object');
  }
  const manifest = (modelJson as { weightsManifest?: unknown }).weightsManifest;
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw new ModelFileError(name, 'weightsManifest is not a list');
  const seen = new Set<string>();
  const result: { path: string; url: URL }[] = [];
  for (const group of manifest as { paths?: unknown }[]) {
    if (!group || !Array.isArray(group.paths)) throw new ModelFileError(name, 'a weightsManifest group has no paths list');
    for (const path of group.paths) {
      if (typeof path !== 'string') throw new ModelFileError(name, `weight path ${JSON.stringify(path)} is not a string`);
      // The local loader's rules (no '..', absolute paths, URLs, percent-escapes, backslashes), before any shard is fetched.
      checkShardPath(name, path);
      if (RESERVED.has(path)) throw new ModelFileError(name, `weight path '${path}' would overwrite ${path}`);
      if (seen.has(path)) throw new ModelFileError(name, `weight path "${path}" is listed twice`);
      seen.add(path);
      // tfjs appends the model URL's query (e.g. ?tfjs-format=file) to every weight URL; so do we.
      const url = new URL(path, modelUrl);
      url.search = modelUrl.search;
      if (url.origin !== modelUrl.origin) throw new ModelFileError(name, `weight path "${path}" leaves ${modelUrl.origin}`);
      result.push({ path, url });
    }
  }
  return result;
}

/** Bytes the weight specs promise, or null when they cannot say (string tensors, odd specs). */
export function expectedWeightBytes(modelJson: unknown): number | null {
  const manifest = (modelJson as { weightsManifest?: { weights?: unknown }[] }).weightsManifest ?? [];
  let total = 0;
  for (const group of manifest) {
    if (!Array.isArray(group?.weights)) return null;
    for (const spec of group.weights as { shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } }[]) {
      const dtype = String(spec?.quantization?.dtype ?? spec?.dtype);
      const size = DTYPE_BYTES[dtype];
      if (!size || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
      total += (spec.shape as number[]).reduce((a, b) => a * b, 1) * size;
      if (!Number.isSafeInteger(total)) return null;
    }
  }
  return total;
}

function parseModelJson(bytes: Buffer, url: URL): unknown {
  const name = displayUrl(url);
  if (bytes.length === 0) throw new ModelFileError(name, 'is empty');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new ModelFileError(name, 'starts with a byte-order mark (not plain JSON)');
  const text = bytes.toString('utf8');
  if (/^\s*</.test(text)) throw new ModelFileError(name, 'is an HTML page, not model.json');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(name, `is not valid JSON (${(error as Error).message})`);
  }
}

/** Fetches model.json and its shards from `modelUrl` into `destDir`; returns each file's size and sha256. */
export async function downloadModelFiles(modelUrl: URL, destDir: string, options: DownloadOptions = {}): Promise<DownloadedFile[]> {
  const limits = { ...DEFAULT_DOWNLOAD_LIMITS, ...options.limits };
  const started = Date.now();
  let received = 0;
  let total: number | null = null;
  let lastReport = 0;
  let currentFile = 'model.json';
  const report = (force: boolean) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < 125)) return;
    lastReport = now;
    const rate = received / Math.max((now - started) / 1000, 0.001);
    const eta = total !== null && rate > 0 ? Math.max(0, (total - received) / rate) : null;
    options.onProgress({ file: currentFile, bytes: received, total, bytesPerSecond: rate, etaSeconds: eta });
  };
  const fetchOptions = (maxBytes: number): FetchOptions => ({
    ...options,
    maxBytes,
    onBytes: (n) => {
      received += n;
      report(false);
    },
  });

  const chunks: Buffer[] = [];
  const json = await fetchToSink(modelUrl, (chunk) => void chunks.push(chunk), fetchOptions(limits.maxModelJsonBytes));
  const jsonBytes = Buffer.concat(chunks);
  const parsed = parseModelJson(jsonBytes, modelUrl);
  const shards = shardPaths(parsed, modelUrl);
  const weightBytes = expectedWeightBytes(parsed);
  if (weightBytes !== null && weightBytes > limits.maxTotalBytes) {
    throw new ModelFileError(displayUrl(modelUrl), `weights declare ${weightBytes} bytes, over the cap of ${limits.maxTotalBytes} bytes`);
  }
  total = weightBytes === null ? null : json.bytes + weightBytes;
  await mkdir(destDir, { recursive: true });
  await writeFileExclusive(join(destDir, 'model.json'), jsonBytes);
  const files: DownloadedFile[] = [{ name: 'model.json', bytes: json.bytes, sha256: json.sha256 }];

  for (const shard of shards) {
    currentFile = shard.path;
    report(true);
    const target = join(destDir, ...shard.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, 'wx');
    try {
      const remaining = limits.maxTotalBytes - (received - json.bytes);
      const result = await fetchToSink(shard.url, (chunk) => handle.write(chunk).then(() => undefined), fetchOptions(Math.min(limits.maxShardBytes, remaining)));
      if (result.bytes === 0) throw new ModelFileError(displayUrl(shard.url), 'is empty (0 bytes)');
      files.push({ name: shard.path, bytes: result.bytes, sha256: result.sha256 });
    } finally {
      await handle.close();
    }
  }
  // The weight specs say exactly how many bytes the shards hold; a short or padded shard is refused here already.
  const shardBytes = files.slice(1).reduce((sum, file) => sum + file.bytes, 0);
  if (weightBytes !== null && shardBytes !== weightBytes) {
    throw new ModelFileError(displayUrl(modelUrl), `shards hold ${shardBytes} bytes but the weight specs need ${weightBytes}`);
  }
  report(true);
  return files;
}

async function writeFileExclusive(path: string, bytes: Buffer): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}
