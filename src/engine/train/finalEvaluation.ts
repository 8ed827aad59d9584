import type { ClassMetrics, ConfusionMatrix } from '../../shared/events';
import type { tf } from '../tf';
import { argMaxRows, confusionMatrix, lossAndAccuracy, perClassMetrics, predictAll } from './evaluate';
import type { LabelledSource } from './loop';
import type { Sample } from '../data/dataset';

export interface Evaluation {
  loss: number;
  accuracy: number;
  confusion: ConfusionMatrix;
  perClass: ClassMetrics[];
}

/** The end-of-run report on the validation set: loss, accuracy, confusion matrix (with files per cell) and per-class metrics. */
export async function finalEvaluation(
  model: tf.LayersModel,
  prefix: tf.LayersModel | undefined,
  validation: LabelledSource & { samples: Sample[] },
  labels: string[],
  batchSize: number,
): Promise<Evaluation> {
  const probs = await predictAll(model, validation.x, batchSize, prefix);
  const k = labels.length;
  const [loss, acc] = await lossAndAccuracy(probs, validation.y);
  const confusion = confusionMatrix(labels, validation.y, argMaxRows(probs, k), validation.samples.map((s) => s.rel));
  return { loss, accuracy: acc, confusion, perClass: perClassMetrics(confusion) };
}
