// `finetune models list` and `finetune models pull ID|URL`: the catalog and
// the verified download cache from a terminal. Progress goes to stderr; the
// cached folder (the only thing a script needs) goes to stdout.
import { parseArgs } from 'node:util';
import { formatBytes } from '../engine/sources/catalog';
import type { DownloadProgress } from '../engine/sources/download';
import { DownloadCancelledError } from '../engine/sources/fetch';
import { listCatalog, pullModel } from '../engine/sources/resolve';
import { EXIT_BAD_INPUT, EXIT_CANCELLED, UsageError } from './errors';

export const MODELS_USAGE = `finetune models list [--json] [--cache DIR]
finetune models pull ID|URL [--cache DIR] [--proxy URL] [--json]`;

const OPTIONS = {
  json: { type: 'boolean' },
  cache: { type: 'string' },
  proxy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function modelsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || sub === undefined || sub === 'help') {
    process.stdout.write(`Usage:\n  ${MODELS_USAGE.replace(/\n/g, '\n  ')}\n`);
    return sub === undefined ? EXIT_BAD_INPUT : 0;
  }
  const cacheDir = values.cache;
  if (sub === 'list') {
    if (positionals.length > 0) throw new UsageError(`models list takes no arguments (got "${positionals[0]}")`);
    return list(cacheDir, values.json === true);
  }
  if (sub === 'pull') {
    if (positionals.length !== 1) throw new UsageError('models pull expects one catalog id or model.json URL (see: finetune models list)');
    return pull(positionals[0], { cacheDir, proxy: values.proxy, json: values.json === true });
  }
  throw new UsageError(`unknown models command "${sub}" (expected list or pull)`);
}

async function list(cacheDir: string | undefined, json: boolean): Promise<number> {
  const entries = await listCatalog({ cacheDir });
  if (json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  const rows = [
    ['ID', 'FORMAT', 'INPUT', 'LICENSE', 'SIZE', 'CACHED'],
    ...entries.map((e) => [
      e.id,
      e.format,
      `${e.inputSize.height}x${e.inputSize.width}x${e.inputSize.channels}`,
      e.license,
      `~${formatBytes(e.approxBytes)}`,
      e.builtin ? 'built-in' : e.cached ? 'yes' : 'no',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

function progressLine(p: DownloadProgress): string {
  const done = formatBytes(p.bytes);
  const of = p.total ? ` / ${formatBytes(p.total)} (${Math.floor((100 * p.bytes) / Math.max(p.total, 1))}%)` : '';
  const eta = p.etaSeconds !== null ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
  return `${p.file}: ${done}${of}, ${formatBytes(Math.round(p.bytesPerSecond))}/s${eta}`;
}

async function pull(target: string, options: { cacheDir?: string; proxy?: string; json: boolean }): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true;
  let lastFile = '';
  let lastLine = 0;
  const onProgress = (p: DownloadProgress) => {
    // A terminal gets one line rewritten in place; a log gets a line per file and at most one a second.
    if (tty) {
      process.stderr.write(`\r\x1b[K${progressLine(p)}`);
    } else if (p.file !== lastFile || Date.now() - lastLine > 1000) {
      process.stderr.write(`${progressLine(p)}\n`);
      lastLine = Date.now();
    }
    lastFile = p.file;
  };
  try {
    const pulled = await pullModel(target, {
      cacheDir: options.cacheDir,
      proxy: options.proxy,
      signal: controller.signal,
      onProgress,
      onNotice: (message) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}finetune: ${message}\n`),
    });
    if (tty && lastFile) process.stderr.write('\r\x1b[K');
    process.stderr.write(pulled.fromCache ? 'finetune: already cached (hashes checked)\n' : `finetune: downloaded ${pulled.manifest?.files.length ?? 0} files\n`);
    process.stdout.write(options.json ? `${JSON.stringify({ dir: pulled.dir, id: pulled.entry?.id ?? null, fromCache: pulled.fromCache })}\n` : `${pulled.dir}\n`);
    return 0;
  } catch (err) {
    if (tty && lastFile) process.stderr.write('\n');
    if (err instanceof DownloadCancelledError) {
      process.stderr.write('finetune: download cancelled; the cache is unchanged\n');
      return EXIT_CANCELLED;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
