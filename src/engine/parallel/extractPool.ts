// Feature extraction on every core. tfjs's wasm backend runs on one thread
// under Node (its pthread build starts its workers from a Blob URL, which
// Node refuses), so the pool starts `threads − 1` worker threads, each with
// its own wasm instance and a copy of the frozen prefix, and splits every
// batch of images between them and the calling thread. The prefix runs in
// inference mode, so each image's activations do not depend on which thread
// or which chunk computed them.
import { tf } from '../tf';
import { availableParallelism } from 'node:os';
import { layersExtractor, type FeatureExtractor, type LayersExtractor } from '../model/extractor';
import { PoolThread, artifactsOf } from './workerThread';

export interface PooledExtractor extends FeatureExtractor {
  /** Threads that compute, the calling one included. */
  readonly threads: number;
  /** Ends the workers. */
  dispose(): Promise<void>;
}

const ROLE = 'a feature-extraction thread';

/**
 * The run's extractor on `threads` threads (default: every core) when it is
 * a Layers prefix on wasm; any other extractor as it is.
 */
export async function extractorOnThreads(extractor: FeatureExtractor, threads = availableParallelism()): Promise<PooledExtractor> {
  if (!('prefix' in extractor)) return { ...extractor, threads: 1, dispose: async () => undefined };
  return pooledExtractor((extractor as LayersExtractor).prefix, threads);
}

/**
 * `prefix` as an extractor on `threads` threads. With 1 thread, or off the
 * wasm backend (tfjs-node already uses every core), it is the plain
 * single-threaded extractor and no worker starts.
 */
export async function pooledExtractor(prefix: tf.LayersModel, threads: number): Promise<PooledExtractor> {
  const local = layersExtractor(prefix);
  if (threads <= 1 || tf.getBackend() !== 'wasm') return { ...local, threads: 1, dispose: async () => undefined };
  const workers = Array.from({ length: threads - 1 }, () => new PoolThread(ROLE));
  try {
    const artifacts = await artifactsOf(prefix);
    await Promise.all(workers.map((w) => w.request({ type: 'load', artifacts })));
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  return {
    shapes: local.shapes,
    threads,
    extract: (images) => extractSplit(images, local, workers),
    dispose: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Splits the batch into one contiguous chunk per thread; the calling thread takes the first. */
async function extractSplit(images: tf.Tensor, local: FeatureExtractor, workers: PoolThread[]): Promise<tf.Tensor[]> {
  const n = images.shape[0];
  const chunk = Math.ceil(n / (workers.length + 1));
  const [, ...example] = images.shape;
  const perImage = example.reduce((a, b) => a * b, 1);
  const pixels = images.dataSync() as Float32Array;
  const remote = workers.flatMap((worker, i) => {
    const start = (i + 1) * chunk;
    const count = Math.min(chunk, n - start);
    if (count <= 0) return [];
    const chunkPixels = pixels.slice(start * perImage, (start + count) * perImage);
    return [worker.request({ type: 'extract', shape: [count, ...example], pixels: chunkPixels }, [chunkPixels.buffer as ArrayBuffer]).then((reply) => (reply.type === 'extracted' ? reply.rows : []))];
  });
  // The workers are busy by now; this thread computes its own chunk meanwhile.
  const first = images.slice(0, Math.min(chunk, n));
  const mine = await local.extract(first).catch((err: unknown) => {
    // The workers' replies no longer matter; their rejections, when the pool ends, must not go unhandled.
    for (const reply of remote) reply.catch(() => undefined);
    throw err;
  }).finally(() => first.dispose());
  let others: Float32Array[][];
  try {
    others = await Promise.all(remote);
  } catch (err) {
    tf.dispose(mine);
    throw err;
  }
  const joined = mine.map((own, output) => {
    const shape = own.shape.slice(1);
    const rest = others.map((rows) => tf.tensor(rows[output], [rows[output].length / shape.reduce((a, b) => a * b, 1), ...shape], 'float32'));
    const all = tf.concat([own, ...rest]);
    tf.dispose(rest);
    return all;
  });
  tf.dispose(mine);
  return joined;
}
