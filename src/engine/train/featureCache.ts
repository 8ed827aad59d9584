import { join } from 'node:path';
import { tf } from '../tf';
import { DiskStore, elementsOf, MemoryStore, type GrowableSource, type TensorSource } from './source';
import { runPrefix } from './evaluate';

/** Keep cached activations in memory up to this many bytes (both splits together); beyond it they go to disk. */
export const DEFAULT_CACHE_BUDGET_BYTES = 1024 ** 3;

export interface FeatureCacheOptions {
  batchSize: number;
  /** Bytes of activations that may stay in memory; above this the cache goes to `dir`. */
  budgetBytes?: number;
  /** Folder for the on-disk cache. */
  dir: string;
  /** Called after every prefix batch with the number of examples done. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** One example's activation shapes at the freeze boundary, one per prefix output. */
export function featureShapes(prefix: tf.LayersModel): number[][] {
  return prefix.outputs.map((o) => o.shape.slice(1) as number[]);
}

/** Bytes the cache needs for `examples` images. */
export function cacheBytes(prefix: tf.LayersModel, examples: number): number {
  return featureShapes(prefix).reduce((sum, s) => sum + elementsOf(s) * 4, 0) * examples;
}

/**
 * Runs the frozen prefix once over every example of each source (in batches,
 * in inference mode) and returns sources of its activations, in the same
 * order. Training then never touches the prefix again: this is the speed path
 * for "head only" and "top K".
 */
export async function buildFeatureCache(
  prefix: tf.LayersModel,
  sources: { name: string; pixels: TensorSource }[],
  options: FeatureCacheOptions,
): Promise<GrowableSource[]> {
  const shapes = featureShapes(prefix);
  const total = sources.reduce((sum, s) => sum + s.pixels.size, 0);
  const inMemory = cacheBytes(prefix, total) <= (options.budgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
  const stores: GrowableSource[] = [];
  let done = 0;
  try {
    for (const { name, pixels } of sources) {
      const store = inMemory
        ? new MemoryStore(shapes, pixels.size)
        : new DiskStore(shapes.map((_, i) => join(options.dir, `${name}-${i}.f32`)), shapes);
      stores.push(store);
      for (let start = 0; start < pixels.size; start += options.batchSize) {
        if (options.signal?.aborted) throw new DOMException('Feature extraction cancelled', 'AbortError');
        const indices = Array.from({ length: Math.min(options.batchSize, pixels.size - start) }, (_, i) => start + i);
        const outputs = tf.tidy(() => runPrefix(prefix, pixels.batch(indices)));
        const rows = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
        tf.dispose(outputs);
        store.append(rows, indices.length);
        done += indices.length;
        options.onProgress?.(done, total);
      }
    }
  } catch (err) {
    stores.forEach((s) => s.dispose());
    throw err;
  }
  return stores;
}
