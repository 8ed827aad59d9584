// The workbench's own logs, read from the user data dir: the extension
// host's log says when an extension activated, and each output channel (our
// "Finetune Studio" channel included) is mirrored into a file there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './processes.mjs';

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Text of every log file under `userDataDir/logs` whose path matches `which`. */
export function readLogs(userDataDir, which) {
  return files(join(userDataDir, 'logs'))
    .filter((path) => which.test(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

export const EXTENSION_HOST_LOG = /exthost\.log$/;
/** Output channel files are named like "1-Finetune Studio.log". */
export const outputChannelLog = (name) => new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`);

/** Polls the logs until `pattern` appears; returns the matching text. */
export async function waitForLog(userDataDir, which, pattern, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = readLogs(userDataDir, which);
    const match = text.match(pattern);
    if (match) return match[0];
    if (Date.now() > deadline) throw new Error(`log ${which} never matched ${pattern} within ${timeout} ms`);
    await sleep(250);
  }
}
