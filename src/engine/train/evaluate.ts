import { tf } from '../tf';
import type { ClassMetrics, ConfusionMatrix } from '../../shared/events';
import type { TensorSource } from './source';
import { accuracy, crossEntropy } from './loss';
import { readOnHost } from '../backend/gpuFaults';

/** The frozen prefix in inference mode; always returns a list, one tensor per suffix input. */
export function runPrefix(prefix: tf.LayersModel, inputs: tf.Tensor[]): tf.Tensor[] {
  const out = prefix.predict(inputs.length === 1 ? inputs[0] : inputs);
  return Array.isArray(out) ? out : [out];
}

/** Class probabilities for every example of `source`, in order, as [size × classes]. */
export async function predictAll(model: tf.LayersModel, source: TensorSource, batchSize: number, prefix?: tf.LayersModel): Promise<Float32Array> {
  const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  const out = new Float32Array(source.size * numClasses);
  for (let start = 0; start < source.size; start += batchSize) {
    const indices = range(start, Math.min(source.size, start + batchSize));
    const probs = tf.tidy(() => {
      let xs = source.batch(indices);
      if (prefix) xs = runPrefix(prefix, xs);
      return model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
    });
    out.set(await readAndDispose(probs), start * numClasses);
  }
  return out;
}

/** Unweighted mean loss and accuracy over a labelled source (validation; Keras ignores class weights here too). */
export async function evaluateLoss(
  model: tf.LayersModel,
  data: { x: TensorSource; y: Int32Array },
  batchSize: number,
  prefix?: tf.LayersModel,
): Promise<{ loss: number; accuracy: number }> {
  if (data.x.size === 0) return { loss: NaN, accuracy: NaN };
  const probs = await predictAll(model, data.x, batchSize, prefix);
  const [loss, acc] = await lossAndAccuracy(probs, data.y);
  return { loss, accuracy: acc };
}

/** Mean cross-entropy and accuracy of a [n × classes] probability buffer against its labels, read asynchronously. */
export async function lossAndAccuracy(probs: Float32Array, labels: Int32Array): Promise<[number, number]> {
  const both = tf.tidy(() => {
    const p = tf.tensor2d(probs, [labels.length, probs.length / labels.length]);
    const y = tf.tensor1d(labels, 'int32');
    return tf.stack([crossEntropy(p, y), accuracy(p, y)]);
  });
  const [loss, acc] = await readAndDispose(both);
  return [loss, acc];
}

/** The values of `t`, read asynchronously (the only way webgpu reads under Node), with GPU faults reported; `t` is disposed. */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await readOnHost(() => t.data())) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Arg-max class per row of a [n × classes] probability buffer. */
export function argMaxRows(probs: Float32Array, numClasses: number): Int32Array {
  const n = probs.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** matrix[actual][predicted] counts, with the files behind every cell so the dashboard can list them. */
export function confusionMatrix(labels: string[], actual: ArrayLike<number>, predicted: ArrayLike<number>, files: string[]): ConfusionMatrix {
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const cells = Array.from({ length: k }, () => Array.from({ length: k }, () => [] as string[]));
  for (let i = 0; i < actual.length; i++) {
    matrix[actual[i]][predicted[i]]++;
    cells[actual[i]][predicted[i]].push(files[i]);
  }
  return { labels, matrix, files: cells };
}

/** Precision, recall and F1 per class from a confusion matrix; 0 where undefined (no predictions or no support). */
export function perClassMetrics(confusion: ConfusionMatrix): ClassMetrics[] {
  const m = confusion.matrix;
  return confusion.labels.map((label, c) => {
    const tp = m[c][c];
    const support = m[c].reduce((a, b) => a + b, 0);
    const predicted = m.reduce((sum, row) => sum + row[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
