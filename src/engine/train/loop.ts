import { tf } from '../tf';
import type { Rng } from '../util/rng';
import type { BatchLogs, Callback, EpochLogs, LoopControl } from './callbacks';
import { accuracy, crossEntropy } from './loss';
import { getLearningRate, setLearningRate } from './optimizer';
import type { TensorSource } from './source';
import { evaluateLoss, readAndDispose, runPrefix } from './evaluate';
import { NonFiniteLossError } from './errors';

export interface LabelledSource {
  x: TensorSource;
  /** Class index per example. */
  y: Int32Array;
}

export interface FitOptions {
  /** Trains `model.trainableWeights` only, so a freeze change needs no recompile here. */
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  train: LabelledSource;
  validation: LabelledSource;
  batchSize: number;
  /** Epoch numbers of this call, from 1; a second phase starts where the first ended. */
  firstEpoch: number;
  lastEpoch: number;
  /** Shuffles the batches and reseeds dropout; same seed, same run. */
  rng: Rng;
  classWeights?: number[];
  /**
   * The frozen prefix when the sources hold pixels rather than cached features:
   * it runs in inference mode outside the gradient tape on every batch, so that
   * this path computes exactly what the feature-cache path computes, only slower.
   */
  prefix?: tf.LayersModel;
  /** Applied to the pixels of each training batch (augmentation); returns a new tensor. */
  transform?: (x: tf.Tensor, rng: Rng) => tf.Tensor;
  callbacks?: Callback[];
  /** Checked before every batch: a cancel stops at a batch boundary. */
  signal?: AbortSignal;
}

export interface FitResult {
  history: EpochLogs[];
  stopReason: 'completed' | 'earlyStopping' | 'cancelled';
}

/**
 * The training loop. It is ours rather than `model.fit` because fit shuffles
 * with Math.random, cannot train a model whose input is a cached activation
 * without recompiling, and cannot be stopped between two batches by a signal
 * that arrives from outside the event loop's current task.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { model, optimizer, train, validation, batchSize, rng, callbacks = [], signal } = options;
  let stopReason: FitResult['stopReason'] = 'completed';
  const control: LoopControl = {
    model,
    firstEpoch: options.firstEpoch,
    lastEpoch: options.lastEpoch,
    getLearningRate: () => getLearningRate(optimizer),
    setLearningRate: (lr) => setLearningRate(optimizer, lr),
    stop: (reason) => {
      stopReason = reason;
    },
  };
  const weights = options.classWeights ? tf.keep(tf.tensor1d(options.classWeights, 'float32')) : undefined;
  const batchesPerEpoch = Math.ceil(train.x.size / batchSize);
  const history: EpochLogs[] = [];
  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(control);
    for (let epoch = options.firstEpoch; epoch <= options.lastEpoch && stopReason === 'completed'; epoch++) {
      const order = rng.shuffle(Array.from({ length: train.x.size }, (_, i) => i));
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        // Let a pending SIGINT or IPC "stop" run before committing to another batch.
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) {
          stopReason = 'cancelled';
          break;
        }
        const indices = order.slice(b * batchSize, (b + 1) * batchSize);
        const [loss, acc] = await trainStep(options, indices, weights);
        // Stop before a non-finite loss reaches any callback, metric line or checkpoint.
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(epoch, b + 1, loss);
        const logs: BatchLogs = {
          epoch,
          batch: b + 1,
          batchesPerEpoch,
          size: indices.length,
          loss,
          accuracy: acc,
          lr: getLearningRate(optimizer),
        };
        lossSum += loss * indices.length;
        accSum += acc * indices.length;
        seen += indices.length;
        for (const cb of callbacks) await cb.onBatchEnd?.(logs, control);
      }
      if (stopReason === 'cancelled') break;
      const val = await evaluateLoss(model, validation, batchSize, options.prefix);
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        lr: getLearningRate(optimizer),
      };
      history.push(logs);
      for (const cb of callbacks) await cb.onEpochEnd?.(logs, control);
    }
  } finally {
    weights?.dispose();
    for (const cb of callbacks) await cb.onTrainEnd?.(control);
  }
  return { history, stopReason };
}

/**
 * One optimizer step; returns the batch's loss and accuracy. They are read
 * asynchronously: the webgpu backend cannot read synchronously under Node.
 */
async function trainStep(options: FitOptions, indices: number[], classWeights?: tf.Tensor1D): Promise<[number, number]> {
  const { model, optimizer, train, rng, transform } = options;
  reseedDropout(model, rng);
  const both = tf.tidy(() => {
    const pixels = train.x.batch(indices);
    if (transform) pixels[0] = transform(pixels[0], rng);
    const xs = options.prefix ? runPrefix(options.prefix, pixels) : pixels;
    const labels = tf.tensor1d(indices.map((i) => train.y[i]), 'int32');
    let acc: tf.Scalar | undefined;
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = optimizer.minimize(
      () => {
        const probs = model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor;
        // Kept past minimize's own tidy so the accuracy can be read below.
        acc = tf.keep(accuracy(probs, labels));
        return crossEntropy(probs, labels, classWeights);
      },
      true,
      vars,
    )!;
    const result = tf.stack([loss, acc!]);
    acc!.dispose();
    return result;
  });
  const [loss, acc] = await readAndDispose(both);
  return [loss, acc];
}

/**
 * tfjs Dropout draws the same mask on every call when its layer has a fixed
 * seed, and a Math.random mask when it has none. Giving each batch a fresh
 * seed from the run's Rng makes masks vary per batch yet repeat per run.
 */
function reseedDropout(model: tf.LayersModel, rng: Rng): void {
  for (const layer of allLayers(model)) {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = rng.int(2 ** 31);
  }
}

function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) => ('layers' in l ? [l, ...allLayers(l as tf.LayersModel)] : [l]));
}
