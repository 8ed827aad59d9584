// Errors from the engine, as the one-line `{message, code}` the host shows.
import type { TrainerError } from '../shared/protocol/trainer';
import { isCancellation } from '../engine/train/errors';

/** Codes the host acts on: `cancelled` is a Stop, never a failure; `offline` gets its own wording. */
function codeOf(error: Error): string {
  if (isCancellation(error)) return 'cancelled';
  switch (error.name) {
    case 'NoConnectionError':
      return 'offline';
    case 'ModelFileError':
      return 'modelFile';
    case 'DatasetError':
      return 'dataset';
  }
  return /out of memory|OOM/i.test(error.message) ? 'outOfMemory' : 'error';
}

export function errorReply(error: unknown): TrainerError {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 2000), code: 'unknown' };
  const firstLine = error.message.split('\n')[0] ?? '';
  return { message: firstLine.slice(0, 2000) || error.name, code: codeOf(error) };
}
