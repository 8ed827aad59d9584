// The resume point a run may start from, and the RunResult it reports.
import type { RunResult } from '../../shared/events';
import type { BackendName } from '../../shared/trainSpec';
import { tf } from '../tf';
import type { Checkpoint } from '../run/checkpoint';
import type { RunDir } from '../run/runDir';
import type { Evaluation } from './finalEvaluation';
import type { PhasesResult } from './phases';

/** Where a resumed run continues: its folder and the checkpoint it continues from. */
export interface ResumePoint {
  runDir: RunDir;
  checkpoint: Checkpoint;
  bestWeights?: tf.Tensor[];
}

/** Frees the tensors a resume point holds (checkpoint weights, best weights, optimizer state). */
export function disposeResume(resume: ResumePoint | undefined): void {
  if (!resume) return;
  tf.dispose([...resume.checkpoint.weights, ...(resume.bestWeights ?? []), ...resume.checkpoint.optimizer.map((o) => o.tensor)]);
}

export function runResult(runDir: RunDir, backend: BackendName, outcome: PhasesResult, evaluation: Evaluation): RunResult {
  return {
    runDir: runDir.dir,
    modelDir: runDir.modelDir,
    backend,
    epochs: outcome.history.length,
    bestEpoch: outcome.bestEpoch,
    valAccuracy: evaluation.accuracy,
    valLoss: evaluation.loss,
    confusion: evaluation.confusion,
    perClass: evaluation.perClass,
    stopReason: outcome.stopReason,
  };
}
