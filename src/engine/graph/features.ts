// The Graph counterpart of the feature cache: images are decoded a chunk at
// a time and run through the frozen graph right away, so only features
// (width floats per image) are kept, in memory or, above the budget, in
// files. Pixel memory stays one chunk whatever the dataset size.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { decodeSamples, type Sample } from '../data/dataset';
import type { GraphFeatureExtractor } from '../model/graphModel';
import { DEFAULT_CACHE_BUDGET_BYTES } from '../train/featureCache';
import { DiskStore, MemorySource, MemoryStore, type GrowableSource } from '../train/source';
import { DECODE_CHUNK, progressReporter, warnSkipped, type DecodeCacheOptions, type PreparedInputs } from '../train/inputs';

/** Images decoded at a time, as on the Layers feature-cache path: 256 × 224 × 224 × 3 floats is about 150 MB. */
export const GRAPH_DECODE_CHUNK = DECODE_CHUNK;

/** The same shape the Layers path prepares, so the train loop and evaluation take either. */
export type GraphFeatures = PreparedInputs;

export interface GraphFeatureOptions extends DecodeCacheOptions {
  extractor: GraphFeatureExtractor;
}

/** Decodes and extracts the train then the validation split; undecodable files are skipped with a warning. */
export async function extractGraphFeatures(splits: { train: Sample[]; validation: Sample[] }, options: GraphFeatureOptions): Promise<GraphFeatures> {
  const width = options.extractor.featureShape[1];
  const total = splits.train.length + splits.validation.length;
  const inMemory = total * width * 4 <= (options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
  if (!inMemory) mkdirSync(options.cacheDir, { recursive: true });
  const decodeProgress = progressReporter('decode', options.emit);
  const featureProgress = progressReporter('features', options.emit);
  const counts = { decoded: 0, extracted: 0 };
  const stores: GrowableSource[] = [];
  const kept: Sample[][] = [];
  try {
    for (const [name, samples] of [['train', splits.train], ['validation', splits.validation]] as const) {
      const store = inMemory ? new MemoryStore([[width]], samples.length) : new DiskStore([join(options.cacheDir, `graph-${name}.f32`)], [[width]]);
      stores.push(store);
      kept.push(await fill(samples, store, options, total, counts, decodeProgress, featureProgress));
    }
  } catch (err) {
    stores.forEach((s) => s.dispose());
    throw err;
  }
  const [train, validation] = kept;
  if (train.length === 0 || validation.length === 0) {
    stores.forEach((s) => s.dispose());
    throw new Error('no image could be decoded in the training or validation set');
  }
  const labels = (samples: Sample[]) => Int32Array.from(samples, (s) => s.label);
  return {
    train: { x: stores[0], y: labels(train) },
    validation: { x: stores[1], y: labels(validation), samples: validation },
    dispose: () => stores.forEach((s) => s.dispose()),
  };
}

async function fill(
  samples: Sample[],
  store: GrowableSource,
  options: GraphFeatureOptions,
  total: number,
  counts: { decoded: number; extracted: number },
  decodeProgress: (done: number, total: number) => void,
  featureProgress: (done: number, total: number) => void,
): Promise<Sample[]> {
  const { pre, extractor, batchSize } = options;
  const kept: Sample[] = [];
  const chunkSize = options.decodeChunk ?? GRAPH_DECODE_CHUNK;
  for (let start = 0; start < samples.length; start += chunkSize) {
    const chunk = samples.slice(start, start + chunkSize);
    const before = counts.decoded;
    const decoded = await decodeSamples(chunk, pre, { signal: options.signal, onProgress: (done) => decodeProgress(before + done, total) });
    counts.decoded += chunk.length;
    warnSkipped(decoded.skipped, options.emit);
    kept.push(...decoded.samples);
    const pixels = new MemorySource([decoded.pixels], [[pre.height, pre.width, pre.channels]], decoded.samples.length);
    for (let b = 0; b < pixels.size; b += batchSize) {
      if (options.signal?.aborted) throw new DOMException('Feature extraction cancelled', 'AbortError');
      const indices = Array.from({ length: Math.min(batchSize, pixels.size - b) }, (_, i) => b + i);
      const [x] = pixels.batch(indices);
      const features = await extractor.extract(x).finally(() => x.dispose());
      const rows = (await features.data()) as Float32Array;
      features.dispose();
      store.append([rows], indices.length);
      featureProgress(counts.extracted + b + indices.length, total);
    }
    counts.extracted += chunk.length; // skipped files count as done
    featureProgress(counts.extracted, total);
    pixels.dispose();
  }
  return kept;
}
