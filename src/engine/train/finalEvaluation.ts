import type { ClassMetrics, ConfusionMatrix } from '../../shared/events';
import { tf } from '../tf';
import { argMaxRows, confusionMatrix, perClassMetrics, predictAll } from './evaluate';
import { accuracy, crossEntropy } from './loss';
import type { LabelledSource } from './loop';
import type { Sample } from '../data/dataset';

export interface Evaluation {
  loss: number;
  accuracy: number;
  confusion: ConfusionMatrix;
  perClass: ClassMetrics[];
}

/** The end-of-run report on the validation set: loss, accuracy, confusion matrix (with files per cell) and per-class metrics. */
export function finalEvaluation(
  model: tf.LayersModel,
  prefix: tf.LayersModel | undefined,
  validation: LabelledSource & { samples: Sample[] },
  labels: string[],
  batchSize: number,
): Evaluation {
  const probs = predictAll(model, validation.x, batchSize, prefix);
  const k = labels.length;
  const [loss, acc] = tf.tidy(() => {
    const p = tf.tensor2d(probs, [validation.x.size, k]);
    const y = tf.tensor1d(validation.y, 'int32');
    return [crossEntropy(p, y).dataSync()[0], accuracy(p, y).dataSync()[0]];
  });
  const confusion = confusionMatrix(labels, validation.y, argMaxRows(probs, k), validation.samples.map((s) => s.rel));
  return { loss, accuracy: acc, confusion, perClass: perClassMetrics(confusion) };
}
