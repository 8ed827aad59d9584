import { join } from 'node:path';
import { tf } from '../tf';
import { DiskStore, elementsOf, MemoryStore, type GrowableSource, type TensorSource } from './source';
import { layersExtractor, type FeatureExtractor } from '../model/extractor';
import { readOnHost } from '../backend/gpuFaults';

/** Keep cached activations in memory up to this many bytes (both splits together); beyond it they go to disk. */
export const DEFAULT_CACHE_BUDGET_BYTES = 1024 ** 3;

export interface ExtractOptions {
  batchSize: number;
  /** Called after every prefix batch with the number of examples this call has done. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

export interface FeatureCacheOptions extends Omit<ExtractOptions, 'onProgress'> {
  /** Bytes of activations that may stay in memory; above this the cache goes to `dir`. */
  budgetBytes?: number;
  /** Folder for the on-disk cache. */
  dir: string;
  onProgress?: (done: number, total: number) => void;
}

/** Bytes the cache needs for `examples` images. */
export function cacheBytes(extractor: FeatureExtractor, examples: number): number {
  return extractor.shapes.reduce((sum, s) => sum + elementsOf(s) * 4, 0) * examples;
}

/** An empty store for up to `capacity` examples' activations: memory when `inMemory`, else files in `dir`. */
export function createFeatureStore(extractor: FeatureExtractor, capacity: number, inMemory: boolean, dir: string, name: string): GrowableSource {
  const shapes = extractor.shapes;
  return inMemory ? new MemoryStore(shapes, capacity) : new DiskStore(shapes.map((_, i) => join(dir, `${name}-${i}.f32`)), shapes);
}

/**
 * Runs the frozen extractor (inference mode, in batches) over every example
 * of `pixels` and appends the activations to `store`, in order. Called chunk
 * by chunk, so only one chunk of decoded pixels is ever in memory.
 */
export async function extractInto(extractor: FeatureExtractor, pixels: TensorSource, store: GrowableSource, options: ExtractOptions): Promise<void> {
  for (let start = 0; start < pixels.size; start += options.batchSize) {
    if (options.signal?.aborted) throw new DOMException('Feature extraction cancelled', 'AbortError');
    const indices = Array.from({ length: Math.min(options.batchSize, pixels.size - start) }, (_, i) => start + i);
    const images = pixels.batch(indices);
    const outputs = await extractor.extract(images[0]).finally(() => tf.dispose(images));
    let rows: Float32Array[];
    try {
      rows = await readOnHost(() => Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>)));
    } finally {
      tf.dispose(outputs);
    }
    store.append(rows, indices.length);
    options.onProgress?.(start + indices.length);
  }
}

/**
 * Runs the frozen prefix once over every example of each source and returns
 * sources of its activations, in the same order. Training then never touches
 * the prefix again: the speed path for "head only" and "top K".
 */
export async function buildFeatureCache(
  prefix: tf.LayersModel,
  sources: { name: string; pixels: TensorSource }[],
  options: FeatureCacheOptions,
): Promise<GrowableSource[]> {
  const extractor = layersExtractor(prefix);
  const total = sources.reduce((sum, s) => sum + s.pixels.size, 0);
  const inMemory = cacheBytes(extractor, total) <= (options.budgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
  const stores: GrowableSource[] = [];
  let before = 0;
  try {
    for (const { name, pixels } of sources) {
      const store = createFeatureStore(extractor, pixels.size, inMemory, options.dir, name);
      stores.push(store);
      await extractInto(extractor, pixels, store, { ...options, onProgress: (done) => options.onProgress?.(before + done, total) });
      before += pixels.size;
    }
  } catch (err) {
    stores.forEach((s) => s.dispose());
    throw err;
  }
  return stores;
}
