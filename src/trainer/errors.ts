// Errors from the engine, as the one-line `{message, code}` the host shows.
import type { TrainerError } from '../shared/protocol/trainer';

export function errorReply(error: unknown): TrainerError {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 2000), code: 'unknown' };
  const name = error.name;
  const code =
    name === 'ModelFileError' ? 'modelFile' : name === 'DatasetError' ? 'dataset' : /out of memory|OOM/i.test(error.message) ? 'outOfMemory' : 'error';
  const firstLine = error.message.split('\n')[0] ?? '';
  return { message: firstLine.slice(0, 2000) || name, code };
}
