import { ModelFileError } from '../engine/model/load';
import { DatasetError } from '../engine/data/dataset';
import { TrainSetupError } from '../engine/train/errors';
import { LayerChoiceError } from '../engine/model/transfer';
import { BackendError } from '../engine/backend/select';
import { CheckpointError } from '../engine/run/checkpoint';
import { OutputError } from '../engine/run/atomic';

/** Wrong flags or arguments. Exit code 2, like every other bad-input error. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_CANCELLED = 130;

/** Maps an error to one stderr line and an exit code: 2 for bad input, 130 for a cancel, 1 for the rest. */
export function describeError(err: unknown): { line: string; code: number } {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (err instanceof ModelFileError || err instanceof DatasetError || err instanceof TrainSetupError || err instanceof LayerChoiceError || err instanceof BackendError || err instanceof CheckpointError || err instanceof OutputError || err instanceof UsageError) {
    return { line: `finetune: ${message}`, code: EXIT_BAD_INPUT };
  }
  if (err instanceof Error && err.name === 'AbortError') return { line: 'finetune: cancelled', code: EXIT_CANCELLED };
  return { line: `finetune: ${message}`, code: EXIT_FAILURE };
}
