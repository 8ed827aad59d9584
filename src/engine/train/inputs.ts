import { mkdirSync } from 'node:fs';
import type { TrainEvent } from '../../shared/events';
import type { Preprocessing } from '../../shared/preprocessing';
import { tf } from '../tf';
import { decodeSamples, type Dataset, type Sample } from '../data/dataset';
import { buildFeatureCache } from './featureCache';
import type { LabelledSource } from './loop';
import { MemorySource, type TensorSource } from './source';

export interface PreparedInputs {
  train: LabelledSource;
  validation: LabelledSource & { samples: Sample[] };
  dispose(): void;
}

export interface PrepareOptions {
  dataset: Dataset;
  pre: Preprocessing;
  split: { prefix: tf.LayersModel } | null;
  /** Run the prefix once now and train on its activations. */
  useCache: boolean;
  batchSize: number;
  cacheDir: string;
  cacheBudgetBytes?: number;
  emit: (event: TrainEvent) => void;
  signal?: AbortSignal;
}

/**
 * Decodes the train and validation images and, with the feature cache, runs
 * the frozen prefix over them once, after which the pixels are dropped. Files
 * that fail to decode are skipped with a warning; they never abort the run.
 */
export async function prepareInputs(options: PrepareOptions): Promise<PreparedInputs> {
  const { dataset, pre, emit } = options;
  const shape = [pre.height, pre.width, pre.channels];
  const all = [...dataset.train, ...dataset.validation];
  const decodeProgress = progressReporter('decode', emit);
  const train = await decodeSamples(dataset.train, pre, { signal: options.signal, onProgress: (d) => decodeProgress(d, all.length) });
  const validation = await decodeSamples(dataset.validation, pre, { signal: options.signal, onProgress: (d) => decodeProgress(dataset.train.length + d, all.length) });
  for (const s of [...train.skipped, ...validation.skipped]) emit({ type: 'log', level: 'warn', message: `Skipped ${s.file}: ${s.reason}` });
  if (train.samples.length === 0 || validation.samples.length === 0) throw new Error('no image could be decoded in the training or validation set');

  let trainX: TensorSource = new MemorySource([train.pixels], [shape], train.samples.length);
  let validationX: TensorSource = new MemorySource([validation.pixels], [shape], validation.samples.length);
  if (options.useCache && options.split) {
    mkdirSync(options.cacheDir, { recursive: true });
    const featureProgress = progressReporter('features', emit);
    [trainX, validationX] = await buildFeatureCache(
      options.split.prefix,
      [
        { name: 'train', pixels: trainX },
        { name: 'validation', pixels: validationX },
      ],
      { batchSize: options.batchSize, dir: options.cacheDir, budgetBytes: options.cacheBudgetBytes, onProgress: featureProgress, signal: options.signal },
    );
  }
  return {
    train: { x: trainX, y: Int32Array.from(train.samples, (s) => s.label) },
    validation: { x: validationX, y: Int32Array.from(validation.samples, (s) => s.label), samples: validation.samples },
    dispose: () => {
      trainX.dispose();
      validationX.dispose();
    },
  };
}

/** `progress` events with an ETA from the rate so far, at most about 8 per second (and always the last). */
function progressReporter(stage: 'decode' | 'features', emit: (event: TrainEvent) => void): (done: number, total: number) => void {
  const started = performance.now();
  let last = -Infinity;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - last < 125) return;
    last = now;
    const rate = done / Math.max(now - started, 1);
    emit({ type: 'progress', stage, done, total, etaMs: done > 0 ? (total - done) / rate : null });
  };
}
