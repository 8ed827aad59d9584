import { mkdirSync } from 'node:fs';
import type { TrainEvent } from '../../shared/events';
import type { Preprocessing } from '../../shared/preprocessing';
import type { FeatureExtractor } from '../model/extractor';
import { decodeSamples, type Dataset, type Sample } from '../data/dataset';
import { cacheBytes, createFeatureStore, DEFAULT_CACHE_BUDGET_BYTES, extractInto } from './featureCache';
import type { LabelledSource } from './loop';
import { MemorySource, type TensorSource } from './source';

/** Images decoded at a time on the feature-cache path: bounds pixel memory whatever the dataset size. */
export const DECODE_CHUNK = 256;

export interface PreparedInputs {
  train: LabelledSource;
  validation: LabelledSource & { samples: Sample[] };
  dispose(): void;
}

export interface PrepareOptions {
  dataset: Dataset;
  /** The frozen front to run once per image (the feature cache); without it the sources hold pixels. */
  extractor?: FeatureExtractor;
  pre: Preprocessing;
  batchSize: number;
  cacheDir: string;
  cacheBudgetBytes?: number;
  /** Images decoded per chunk on the feature-cache path (default DECODE_CHUNK). */
  decodeChunk?: number;
  emit: (event: TrainEvent) => void;
  signal?: AbortSignal;
  /** With an extractor: activations someone already computed (a sweep's shared pass), tried before running it. */
  precomputed?: { features: PrecomputedFeatures; outputs: string[] };
}

/**
 * Activations computed outside the run: a sweep runs the frozen network once
 * for all its members (sweep/featureBank.ts), and each member looks its
 * boundary up here instead of running its own extractor.
 */
export interface PrecomputedFeatures {
  /**
   * Activations at `outputs` (the boundary's layer names) for `samples`, in
   * order, without the files that failed to decode; undefined when not held.
   * Disposing the source does not free the holder's memory.
   */
  lookup(outputs: string[], samples: Sample[]): { x: TensorSource; samples: Sample[] } | undefined;
}

interface Prepared {
  x: TensorSource;
  samples: Sample[];
}

/**
 * Decodes the train and validation images. With an extractor (the feature
 * cache), images are decoded a chunk at a time and run through the frozen
 * front right away, so only activations are kept: the one decode-and-extract
 * path for every kind of model. Files that fail to decode are skipped with a
 * warning; they never abort the run.
 */
export async function prepareInputs(options: PrepareOptions): Promise<PreparedInputs> {
  const { dataset } = options;
  const total = dataset.train.length + dataset.validation.length;
  const decodeProgress = progressReporter('decode', options.emit);
  const featureProgress = progressReporter('features', options.emit);
  const counters = { decoded: 0, extracted: 0 };
  const prepared: Prepared[] = [];
  try {
    for (const [name, samples] of [['train', dataset.train], ['validation', dataset.validation]] as const) {
      const shared = options.extractor ? options.precomputed?.features.lookup(options.precomputed.outputs, samples) : undefined;
      const one = shared
        ? shared
        : options.extractor
        ? await decodeAndExtract(name, samples, options.extractor, options, total, counters, decodeProgress, featureProgress)
        : await decodeOnly(samples, options, (done) => decodeProgress(counters.decoded + done, total)).then((p) => ((counters.decoded += samples.length), p));
      prepared.push(one);
    }
  } catch (err) {
    prepared.forEach((p) => p.x.dispose());
    throw err;
  }
  const [train, validation] = prepared;
  if (train.samples.length === 0 || validation.samples.length === 0) {
    prepared.forEach((p) => p.x.dispose());
    throw new Error('no image could be decoded in the training or validation set');
  }
  return {
    train: { x: train.x, y: Int32Array.from(train.samples, (s) => s.label) },
    validation: { x: validation.x, y: Int32Array.from(validation.samples, (s) => s.label), samples: validation.samples },
    dispose: () => prepared.forEach((p) => p.x.dispose()),
  };
}

/** Decodes `samples` into one pixel source; files that fail are skipped with a warning (the returned samples say which remain). */
export async function decodeOnly(samples: Sample[], options: Pick<PrepareOptions, 'pre' | 'signal' | 'emit'>, onProgress?: (done: number) => void): Promise<Prepared> {
  const { pre } = options;
  const decoded = await decodeSamples(samples, pre, { signal: options.signal, onProgress });
  warnSkipped(decoded.skipped, options.emit);
  return { x: new MemorySource([decoded.pixels], [[pre.height, pre.width, pre.channels]], decoded.samples.length), samples: decoded.samples };
}

async function decodeAndExtract(
  name: string,
  samples: Sample[],
  extractor: FeatureExtractor,
  options: PrepareOptions,
  total: number,
  counters: { decoded: number; extracted: number },
  decodeProgress: (done: number, total: number) => void,
  featureProgress: (done: number, total: number) => void,
): Promise<Prepared> {
  const inMemory = cacheBytes(extractor, total) <= (options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
  if (!inMemory) mkdirSync(options.cacheDir, { recursive: true });
  const store = createFeatureStore(extractor, samples.length, inMemory, options.cacheDir, name);
  const kept: Sample[] = [];
  try {
    const size = options.decodeChunk ?? DECODE_CHUNK;
    for (let start = 0; start < samples.length; start += size) {
      const chunk = samples.slice(start, start + size);
      const pixels = await decodeOnly(chunk, options, (done) => decodeProgress(counters.decoded + done, total));
      counters.decoded += chunk.length;
      kept.push(...pixels.samples);
      const base = counters.extracted;
      await extractInto(extractor, pixels.x, store, { batchSize: options.batchSize, signal: options.signal, onProgress: (done) => featureProgress(base + done, total) });
      counters.extracted += chunk.length; // skipped files count as done
      featureProgress(counters.extracted, total);
      pixels.x.dispose();
    }
  } catch (err) {
    store.dispose();
    throw err;
  }
  return { x: store, samples: kept };
}

function warnSkipped(skipped: { file: string; reason: string }[], emit: (event: TrainEvent) => void): void {
  for (const s of skipped) emit({ type: 'log', level: 'warn', message: `Skipped ${s.file}: ${s.reason}` });
}

/** `progress` events with an ETA from the rate so far, at most about 8 per second (and always the last), never twice for one count. */
export function progressReporter(stage: 'decode' | 'features', emit: (event: TrainEvent) => void): (done: number, total: number) => void {
  const started = performance.now();
  let last = -Infinity;
  let lastDone = -1;
  return (done, total) => {
    const now = performance.now();
    if (done === lastDone || (done < total && now - last < 125)) return;
    last = now;
    lastDone = done;
    const rate = done / Math.max(now - started, 1);
    emit({ type: 'progress', stage, done, total, etaMs: done > 0 ? (total - done) / rate : null });
  };
}
