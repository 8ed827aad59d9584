// `--model ID|URL|DIR` for train and summary: a local path wins (so a folder
// that happens to share a catalog id's name still opens as before), then a
// catalog id or a model.json URL resolves through the verified cache, pulling
// first when needed. Download progress goes to stderr so stdout stays the
// command's own output (and --json stays parseable).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBytes, findCatalogEntry, type CatalogEntry } from '../engine/sources/catalog';
import type { DownloadProgress } from '../engine/sources/download';
import { DownloadCancelledError } from '../engine/sources/fetch';
import { ModelFileError } from '../engine/model/modelFileError';
import { pullModel, type PullOptions } from '../engine/sources/resolve';

export interface ResolvedModelArg {
  dir: string;
  /** The catalog entry when the argument was a catalog id (its preprocessing and default cut apply). */
  entry?: CatalogEntry;
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

export async function resolveModelArg(value: string, options: Pick<PullOptions, 'cacheDir' | 'catalog' | 'env' | 'extensionRoot'> = {}): Promise<ResolvedModelArg> {
  if (!isUrl(value) && existsSync(value)) return { dir: resolve(value) };
  if (!isUrl(value) && !findCatalogEntry(value, options.catalog)) {
    throw new ModelFileError(value, 'does not exist, and is not a catalog id (see: finetune models list) or an http(s) model.json URL');
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const printer = progressPrinter();
  try {
    const pulled = await pullModel(value, {
      ...options,
      signal: controller.signal,
      onProgress: printer.progress,
      onNotice: (message) => printer.line(`finetune: ${message}`),
    });
    const what = pulled.entry?.builtin ? `the built-in ${pulled.entry.id}` : `the cached ${pulled.entry?.id ?? 'model'}`;
    printer.line(pulled.fromCache ? `finetune: using ${what} (${pulled.dir})` : `finetune: downloaded ${pulled.manifest?.files.length ?? 0} files into ${pulled.dir}`);
    return { dir: pulled.dir, entry: pulled.entry };
  } catch (err) {
    printer.end();
    // One line and exit 2 through describeError, like every other bad-input error.
    if (err instanceof DownloadCancelledError) throw new ModelFileError(value, 'download cancelled; the cache is unchanged');
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A terminal gets one line rewritten in place; a log gets a line per file and at most one a second. */
function progressPrinter() {
  const tty = process.stderr.isTTY === true;
  let lastFile = '';
  let lastLine = 0;
  let open = false;
  const text = (p: DownloadProgress) => {
    const of = p.total ? ` / ${formatBytes(p.total)} (${Math.floor((100 * p.bytes) / Math.max(p.total, 1))}%)` : '';
    const eta = p.etaSeconds !== null ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
    return `${p.file}: ${formatBytes(p.bytes)}${of}, ${formatBytes(Math.round(p.bytesPerSecond))}/s${eta}`;
  };
  const end = () => {
    if (open) process.stderr.write('\r\x1b[K');
    open = false;
  };
  return {
    progress(p: DownloadProgress) {
      if (tty) {
        process.stderr.write(`\r\x1b[K${text(p)}`);
        open = true;
      } else if (p.file !== lastFile || Date.now() - lastLine > 1000) {
        process.stderr.write(`${text(p)}\n`);
        lastLine = Date.now();
      }
      lastFile = p.file;
    },
    line(message: string) {
      end();
      process.stderr.write(`${message}\n`);
    },
    end,
  };
}
