// The engine's run-level entry points, wrapped to the trainer protocol's
// result shapes.
import type { TrainEvent, RunResult } from '../shared/events';
import type { TrainSpec } from '../shared/trainSpec';
import type { Classification } from '../shared/protocol/trainer';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreprocessingSchema } from '../shared/preprocessing';
import { runTraining } from '../engine/runTraining';
import { classifyImages } from '../engine/classify';

export function train(spec: TrainSpec, options: { onEvent: (event: TrainEvent) => void; signal: AbortSignal }): Promise<RunResult> {
  return runTraining({ ...spec, preprocessing: spec.preprocessing ?? modelPreprocessing(spec.modelDir) }, options);
}

/**
 * A model folder may say how its inputs were prepared (`preprocessing.json`,
 * as the demo model and every fine-tuned model do); that beats a guess from
 * the input shape. A missing or malformed file falls back to the guess.
 */
function modelPreprocessing(modelDir: string) {
  const file = join(modelDir, 'preprocessing.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed = PreprocessingSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function classify(modelDir: string, files: string[], topK: number): Promise<Classification[]> {
  const results = await classifyImages(modelDir, files, topK);
  // float32 softmax can land a hair outside [0, 1]; the protocol checks the range.
  return results.map((r) => ({ ...r, top: r.top.map((t) => ({ label: t.label, probability: Math.min(1, Math.max(0, t.probability)) })) }));
}
