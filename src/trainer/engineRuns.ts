// The engine's run-level entry points, wrapped to the trainer protocol's
// result shapes.
import type { TrainEvent, RunResult } from '../shared/events';
import type { TrainSpec } from '../shared/trainSpec';
import type { Classification } from '../shared/protocol/trainer';
import { resumeTraining, runTraining } from '../engine/runTraining';
import { classifyImages } from '../engine/classify';

/** runTraining itself reads the model folder's preprocessing.json when the spec has none. */
export function train(spec: TrainSpec, options: { onEvent: (event: TrainEvent) => void; signal: AbortSignal }): Promise<RunResult> {
  return runTraining(spec, options);
}

export function resume(runDir: string, options: { onEvent: (event: TrainEvent) => void; signal: AbortSignal }): Promise<RunResult> {
  return resumeTraining(runDir, options);
}

export async function classify(modelDir: string, files: string[], topK: number): Promise<Classification[]> {
  const results = await classifyImages(modelDir, files, topK);
  // float32 softmax can land a hair outside [0, 1]; the protocol checks the range.
  // The extension only offers models with labels; an unlabelled class is still named by its index.
  return results.map((r) => ({ ...r, top: r.top.map((t) => ({ label: t.label ?? `class ${t.index}`, probability: Math.min(1, Math.max(0, t.probability)) })) }));
}
