// The engine's run-level entry points, wrapped to the trainer protocol's
// result shapes. Until src/engine/runTraining.ts and classify.ts land, these
// say so clearly instead of failing to build.
import type { TrainEvent, RunResult } from '../shared/events';
import type { TrainSpec } from '../shared/trainSpec';
import type { Classification } from '../shared/protocol/trainer';

export async function train(spec: TrainSpec, options: { onEvent: (event: TrainEvent) => void; signal: AbortSignal }): Promise<RunResult> {
  void spec;
  void options;
  throw new Error('Training is not available in this build yet (the engine has no runTraining).');
}

export async function classify(modelDir: string, files: string[], topK: number): Promise<Classification[]> {
  void modelDir;
  void topK;
  return files.map((file) => ({ file, top: [], error: 'Classification is not available in this build yet.' }));
}
