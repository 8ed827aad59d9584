// What a fine-tuned model costs: the saved model's size on disk, and the time
// to classify one image at batch 1 and at batch 32, measured on the backend
// in use with the saved model itself (not the training graph).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceTiming } from '../../shared/sweep';
import type { TrainPlan } from '../../shared/trainSpec';
import { tf } from '../tf';
import { loadLayersModelFromDir } from '../model/load';
import { applyFreeze, resolveTrainable } from '../model/transfer';

/** Bytes of every file under `dir`. */
export function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name);
    return sum + (e.isDirectory() ? folderBytes(path) : e.isFile() ? statSync(path).size : 0);
  }, 0);
}

/** Each batch size is timed for at least this long (after a warm-up), so short models get many repetitions and a slow one is timed once. */
const MIN_TIMED_MS = 150;
const MAX_REPS = 50;

/** Milliseconds per image for a saved Layers model folder at batch 1 and 32 (see timeInference). */
export async function measureInference(modelDir: string): Promise<InferenceTiming> {
  const model = await loadLayersModelFromDir(modelDir);
  try {
    return await timeInference(model);
  } finally {
    model.dispose();
  }
}

/**
 * One warm-up predict per batch size (kernel compilation, weight upload),
 * then repeated timed predicts whose results are read back, so asynchronous
 * backends are timed to completion.
 */
export async function timeInference(model: tf.LayersModel): Promise<InferenceTiming> {
  const shape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  const perImage = async (batch: number): Promise<number> => {
    const x = tf.zeros([batch, ...shape]);
    try {
      const once = async () => {
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
      };
      await once();
      let reps = 0;
      const started = performance.now();
      while (reps < MAX_REPS && (reps < 1 || performance.now() - started < MIN_TIMED_MS)) {
        await once();
        reps++;
      }
      return (performance.now() - started) / reps / batch;
    } finally {
      x.dispose();
    }
  };
  return { batch1Ms: await perImage(1), batch32Ms: await perImage(32) };
}

/**
 * The costs of any fine-tuned model folder, for comparing runs that were not
 * part of a sweep: parameters trainable under its plan (counted as the run's
 * `plan` event counts them), total parameters, bytes, inference time.
 */
export async function runCosts(modelDir: string, plan: TrainPlan): Promise<{ trainableParams: number; totalParams: number; modelBytes: number; inference: InferenceTiming }> {
  const model = await loadLayersModelFromDir(modelDir);
  try {
    applyFreeze(model, resolveTrainable(model, plan), 'inference');
    const trainableParams = model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
    return { trainableParams, totalParams: model.countParams(), modelBytes: folderBytes(modelDir), inference: await timeInference(model) };
  } finally {
    model.dispose();
  }
}
