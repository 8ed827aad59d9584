// Feature extraction on every core. tfjs's wasm backend runs on one thread
// under Node (its pthread build starts its workers from a Blob URL, which
// Node refuses), so the pool starts `threads − 1` worker threads, each with
// its own wasm instance and a copy of the frozen prefix, and splits every
// batch of images between them and the calling thread. The prefix runs in
// inference mode, so each image's activations do not depend on which thread
// or which chunk computed them.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { tf } from '../tf';
import { availableParallelism } from 'node:os';
import { layersExtractor, type FeatureExtractor, type LayersExtractor } from '../model/extractor';
import type { WorkerReply, WorkerRequest } from './extractProtocol';

export interface PooledExtractor extends FeatureExtractor {
  /** Threads that compute, the calling one included. */
  readonly threads: number;
  /** Ends the workers. */
  dispose(): Promise<void>;
}

/** The worker's script next to this module: the bundle's .js, or the .ts source through tsx when the sources run directly (tests, bench). */
function startWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    // Node 20 refuses a .ts entry even with tsx in execArgv; tsx's require hook in an eval'd entry loads it.
    const load = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(join(__dirname, 'extractWorker.ts'))});`;
    return new Worker(load, { eval: true });
  }
  return new Worker(join(__dirname, 'extractWorker.js'));
}

class ExtractWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: Float32Array[]) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`a feature-extraction thread exited (code ${code})`)));
  }

  load(artifacts: tf.io.ModelArtifacts): Promise<void> {
    return this.send({ type: 'load', artifacts }, -1).then(() => undefined);
  }

  extract(pixels: Float32Array, shape: number[]): Promise<Float32Array[]> {
    const id = this.nextId++;
    return this.send({ type: 'extract', id, shape, pixels }, id, [pixels.buffer as ArrayBuffer]);
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners('exit');
    return this.worker.terminate();
  }

  private send(request: WorkerRequest, id: number, transfer: ArrayBuffer[] = []): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request, transfer);
    });
  }

  private settle(reply: WorkerReply): void {
    const id = reply.type === 'loaded' ? -1 : (reply.id ?? -1);
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (reply.type === 'failed') waiting?.reject(new Error(`feature extraction thread: ${reply.message}`));
    else waiting?.resolve(reply.type === 'extracted' ? reply.rows : []);
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }
}

/** The prefix's topology and weights in memory, as a worker loads them. */
async function artifactsOf(prefix: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await prefix.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

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
  const workers = Array.from({ length: threads - 1 }, () => new ExtractWorker());
  try {
    const artifacts = await artifactsOf(prefix);
    await Promise.all(workers.map((w) => w.load(artifacts)));
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
async function extractSplit(images: tf.Tensor, local: FeatureExtractor, workers: ExtractWorker[]): Promise<tf.Tensor[]> {
  const n = images.shape[0];
  const chunk = Math.ceil(n / (workers.length + 1));
  const [, ...example] = images.shape;
  const perImage = example.reduce((a, b) => a * b, 1);
  const pixels = images.dataSync() as Float32Array;
  const remote = workers.flatMap((worker, i) => {
    const start = (i + 1) * chunk;
    const count = Math.min(chunk, n - start);
    return count > 0 ? [worker.extract(pixels.slice(start * perImage, (start + count) * perImage), [count, ...example])] : [];
  });
  // The workers are busy by now; this thread computes its own chunk meanwhile.
  const first = images.slice(0, Math.min(chunk, n));
  const mine = await local.extract(first).finally(() => first.dispose());
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
