// Reading where an interrupted run continues: its `last` checkpoint, or
// `best` when `last` is damaged, plus the best weights early stopping needs.
// Each checkpoint folder is read at most once, and every tensor read is
// either handed out in the ResumePoint or freed here.
import { join } from 'node:path';
import type { TrainEvent } from '../../shared/events';
import { tf } from '../tf';
import { CheckpointError, readCheckpoint, type Checkpoint } from '../run/checkpoint';
import { recoverDirWrite } from '../run/atomic';
import type { RunDir } from '../run/runDir';
import { errorLine } from '../train/errors';
import { disposeResume, type ResumePoint } from '../train/runResult';

function tryRead(dir: string, specHash: string): { checkpoint: Checkpoint } | { error: unknown } {
  try {
    return { checkpoint: readCheckpoint(dir, specHash) };
  } catch (error) {
    return { error };
  }
}

/** The caller owns the result: free it with disposeResume. */
export function readResumePoint(runDir: RunDir, emit: (event: TrainEvent) => void): ResumePoint {
  const hash = runDir.specHash();
  for (const which of ['last', 'best']) recoverDirWrite(join(runDir.checkpointsDir, which));
  const last = tryRead(join(runDir.checkpointsDir, 'last'), hash);
  const best = tryRead(join(runDir.checkpointsDir, 'best'), hash);
  let checkpoint: Checkpoint;
  if ('checkpoint' in last) {
    checkpoint = last.checkpoint;
    // Only best's weights are needed; its optimizer state would otherwise leak.
    if ('checkpoint' in best) tf.dispose(best.checkpoint.optimizer.map((o) => o.tensor));
  } else if ('checkpoint' in best) {
    checkpoint = best.checkpoint;
    emit({ type: 'log', level: 'warn', message: `${errorLine(last.error)}; resuming from the best checkpoint (epoch ${checkpoint.state.epoch}) instead` });
  } else {
    // Neither read gave tensors: readCheckpoint decodes only after every check passed.
    throw new CheckpointError(`cannot resume ${runDir.dir}: ${errorLine(last.error)}, and no usable best checkpoint`);
  }
  // Without best weights, early stopping restarts its "best" from the resumed weights.
  const point: ResumePoint = { runDir, checkpoint, bestWeights: 'checkpoint' in best ? best.checkpoint.weights : undefined };
  try {
    runDir.restoreMetrics(checkpoint.state.epoch);
  } catch (err) {
    disposeResume(point);
    throw err;
  }
  emit({ type: 'log', level: 'info', message: `Resuming ${runDir.dir} after epoch ${checkpoint.state.epoch}` });
  return point;
}

