import { tf } from '../tf';
import type { Rng } from '../util/rng';
import type { BatchLogs, Callback, EpochLogs, GradientStep, LoopControl, StopReason, WeightGradient } from './callbacks';
import { getLearningRate, setLearningRate } from './optimizer';
import type { TensorSource } from './source';
import { evaluateLoss, readAndDispose, runPrefix } from './evaluate';
import { NonFiniteLossError } from './errors';
import { batchGradients, type BatchGradients } from './microBatch';
import type { GradientPool } from '../parallel/trainPool';

export interface LabelledSource {
  x: TensorSource;
  /** Class index per example. */
  y: Int32Array;
}

/** Layers that share one optimizer (so one optimizer state) and one learning rate. */
export interface TrainGroup {
  /** Layer names; omitted: every trainable layer that no other group names. */
  layers?: ReadonlySet<string>;
  /** The group's lr is the base lr × this; the optimizer is created at that lr. */
  lrMultiplier: number;
  optimizer: tf.Optimizer;
}

/** One group over every trainable layer. */
export function oneGroup(optimizer: tf.Optimizer): TrainGroup[] {
  return [{ optimizer, lrMultiplier: 1 }];
}

export interface FitOptions {
  /** Trains `model.trainableWeights` only, so a freeze change needs no recompile here. */
  model: tf.LayersModel;
  /** Every trainable weight belongs to exactly one group. */
  groups: TrainGroup[];
  train: LabelledSource;
  validation: LabelledSource;
  batchSize: number;
  /** Examples per gradient pass when a batch does not fit in memory at once (microBatch.ts); default: the whole batch. */
  microBatchSize?: number;
  /** Threads that share each batch's passes (parallel/trainPool.ts); default: this thread alone. */
  pool?: GradientPool;
  /** Epoch numbers of this call, from 1; a later phase starts where the one before ended. */
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
  /** Completed epochs only: an epoch that a stop or cancel cut short is not in it. */
  history: EpochLogs[];
  stopReason: 'completed' | 'cancelled' | StopReason;
}

/** A group with its variables resolved for this fit call. */
interface LiveGroup extends TrainGroup {
  /** tf.Variable names this group's optimizer steps. */
  names: Set<string>;
  layerNames: string[];
}

interface ResolvedGroups {
  groups: LiveGroup[];
  /** Layer name by tf.Variable name, for the gradients callbacks see. */
  layerOf: Map<string, string>;
}

/**
 * The training loop. It is ours rather than `model.fit` because fit shuffles
 * with Math.random, cannot train a model whose input is a cached activation
 * without recompiling, cannot be stopped between two batches by a signal that
 * arrives from outside the event loop's current task, hides the gradients
 * (`optimizer.minimize`), and has one optimizer. Here `variableGrads` computes
 * the gradients, callbacks see them, and each layer group's optimizer applies
 * its share at its own learning rate.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { model, train, validation, batchSize, rng, callbacks = [], signal } = options;
  const resolved = resolveGroups(model, options.groups);
  const { groups } = resolved;
  let stopReason: FitResult['stopReason'] = 'completed';
  let skipValidation = false;
  // The base lr: what reduce-on-plateau or the LR finder change; groups keep their ratio to it.
  let baseLr = getLearningRate(groups[0].optimizer) / groups[0].lrMultiplier;
  const control: LoopControl = {
    model,
    firstEpoch: options.firstEpoch,
    lastEpoch: options.lastEpoch,
    groups: groups.map((g) => ({ layers: g.layerNames, lrMultiplier: g.lrMultiplier })),
    getLearningRate: () => baseLr,
    setLearningRate: (lr) => {
      baseLr = lr;
      for (const g of groups) setLearningRate(g.optimizer, lr * g.lrMultiplier);
    },
    learningRates: () => groups.map((g) => getLearningRate(g.optimizer)),
    stop: (reason) => {
      stopReason = reason;
    },
    skipValidation: () => {
      skipValidation = true;
    },
  };
  const weights = options.classWeights ? tf.keep(tf.tensor1d(options.classWeights, 'float32')) : undefined;
  const batchesPerEpoch = Math.ceil(train.x.size / batchSize);
  const history: EpochLogs[] = [];
  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(control);
    for (let epoch = options.firstEpoch; epoch <= options.lastEpoch && stopReason === 'completed'; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, control);
      const order = rng.shuffle(Array.from({ length: train.x.size }, (_, i) => i));
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch && stopReason === 'completed'; b++) {
        // Let a pending SIGINT or IPC "stop" run before committing to another batch.
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) {
          stopReason = 'cancelled';
          break;
        }
        const indices = order.slice(b * batchSize, (b + 1) * batchSize);
        const info = { epoch, batch: b + 1, batchesPerEpoch, size: indices.length };
        for (const cb of callbacks) await cb.onBatchBegin?.(info, control);
        const [loss, acc] = await trainStep(options, resolved, indices, weights, (step) => {
          for (const cb of callbacks) cb.onGradients?.(step, control);
        }, info);
        const logs: BatchLogs = { ...info, loss, accuracy: acc, lr: baseLr, lrs: control.learningRates() };
        lossSum += loss * indices.length;
        accSum += acc * indices.length;
        seen += indices.length;
        for (const cb of callbacks) await cb.onBatchEnd?.(logs, control);
      }
      // A stop or cancel inside the epoch leaves it unfinished: no validation, no epoch logs.
      if (seen < train.x.size) break;
      const val = skipValidation ? { loss: NaN, accuracy: NaN } : await evaluateLoss(model, validation, batchSize, options.prefix);
      skipValidation = false; // a skip holds for one epoch
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        lr: baseLr,
        lrs: control.learningRates(),
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
 * One optimizer step per group; returns the batch's loss and accuracy. The
 * loss is checked before `onGradients` sees it and before any weight changes,
 * so a non-finite loss leaves the weights as they were.
 */
async function trainStep(
  options: FitOptions,
  { groups, layerOf }: ResolvedGroups,
  indices: number[],
  classWeights: tf.Tensor1D | undefined,
  onGradients: (step: GradientStep) => void,
  at: { epoch: number; batch: number },
): Promise<[number, number]> {
  const { model, train, rng, transform } = options;
  reseedDropout(model, rng);
  const batch = tf.tidy(() => {
    const pixels = train.x.batch(indices);
    if (transform) pixels[0] = transform(pixels[0], rng);
    return { xs: options.prefix ? runPrefix(options.prefix, pixels) : pixels, labels: tf.tensor1d(indices.map((i) => train.y[i]), 'int32') };
  });
  const passSize = options.microBatchSize ?? indices.length;
  let sums: BatchGradients;
  try {
    // One pass, or micro-batches whose gradients sum to the batch's (microBatch.ts), here or spread over the pool's threads.
    sums = options.pool ? await options.pool.gradients(batch.xs, batch.labels, passSize) : tf.tidy(() => ({ ...batchGradients(model, batch.xs, batch.labels, classWeights, passSize) }));
  } finally {
    tf.dispose([...batch.xs, batch.labels]);
  }
  const step = { grads: sums.grads, both: tf.tidy(() => tf.stack([sums.loss, sums.accuracy])) };
  tf.dispose([sums.loss, sums.accuracy]);
  try {
    // Read asynchronously: the webgpu backend cannot read synchronously under Node.
    const [loss, acc] = await readAndDispose(step.both);
    // Stop before a non-finite loss reaches any callback, metric line, checkpoint or weight.
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(at.epoch, at.batch, loss);
    tf.tidy(() => {
      const gradients: WeightGradient[] = model.trainableWeights.map((w) => ({ layer: layerOf.get(w.name)!, weight: w, grad: step.grads[w.name] }));
      onGradients({ ...at, loss, gradients });
      for (const g of groups) {
        const share: tf.NamedTensorMap = {};
        for (const w of model.trainableWeights) if (g.names.has(w.name)) share[w.name] = step.grads[w.name];
        if (Object.keys(share).length > 0) g.optimizer.applyGradients(share);
      }
    });
    return [loss, acc];
  } finally {
    tf.dispose(step.grads);
  }
}

/**
 * Resolves which variables each group steps, once per fit call (the freeze
 * plan does not change inside one). Every trainable weight must land in
 * exactly one group, else some weight would silently never train.
 */
function resolveGroups(model: tf.LayersModel, groups: TrainGroup[]): ResolvedGroups {
  if (groups.length === 0) throw new Error('fit: at least one layer group is needed');
  const live: LiveGroup[] = groups.map((g) => ({ ...g, names: new Set(), layerNames: [] }));
  const layerOf = new Map<string, string>();
  const rest = live.find((g) => g.layers === undefined);
  for (const layer of allLayers(model)) {
    if ('layers' in layer || layer.trainableWeights.length === 0) continue;
    const owner = live.find((g) => g.layers?.has(layer.name)) ?? rest;
    if (!owner) throw new Error(`fit: trainable layer ${layer.name} is in no layer group`);
    owner.layerNames.push(layer.name);
    for (const w of layer.trainableWeights) {
      owner.names.add(w.name);
      layerOf.set(w.name, layer.name);
    }
  }
  return { groups: live, layerOf };
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

export function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) => ('layers' in l ? [l, ...allLayers(l as tf.LayersModel)] : [l]));
}
