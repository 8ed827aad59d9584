// Training on every core. tfjs's wasm backend runs on one thread under Node,
// so, as for feature extraction, the pool starts `threads − 1` worker threads
// (workerThread.ts), each with its own wasm instance and a copy of the model
// that trains. Every step splits the batch's passes (microBatch.ts) between
// them and the calling thread; each computes the loss and gradients of its
// share, scaled by the share's size, exactly as micro-batches are, and the
// calling thread sums them, so the loop's callbacks see the batch's gradients
// and each optimizer applies one update here. Before every step the calling
// thread writes the trainable weights into one SharedArrayBuffer that every
// worker reads: one copy per step whatever the thread count, and only the
// trainable weights (the frozen ones never change).
import { freemem } from 'node:os';
import { tf } from '../tf';
import { leafLayers } from '../model/graph';
import { isBatchNormPinned } from '../model/batchNorm';
import { addInto, batchGradients, passPeakBytes, type BatchGradients } from '../train/microBatch';
import type { WorkerReply } from './protocol';
import { PoolThread, artifactsOf, type StartWorker } from './workerThread';

export interface GradientPool {
  /** Threads that compute, the calling one included. */
  readonly threads: number;
  /** What batchGradients computes, with the passes spread over the threads; passes hold at most `maxPassSize` examples. */
  gradients(xs: tf.Tensor[], labels: tf.Tensor1D, maxPassSize: number): Promise<BatchGradients>;
  /** Ends the workers; safe to call twice. */
  dispose(): Promise<void>;
}

export interface PoolOptions {
  threads: number;
  batchSize: number;
  /** Measured bytes of a one-example training pass (the micro-batch plan's probe). */
  exampleBytes: number;
  /**
   * Bytes one more example adds to a pass: the measure of a share's work.
   * Default: a two-example probe less the one-example one, so what does not
   * grow with the batch (the weights' gradients, transposed copies) is not counted.
   */
  exampleWork?: number;
  /** Examples per pass (the micro-batch plan's size): with exampleBytes, what each thread's wasm heap grows to. */
  passSize: number;
  /** Memory the machine has free for more heaps; default os.freemem(). */
  freeBytes?: number;
  classWeights?: number[];
  /** Tests replace the worker to force a failure. */
  startWorker?: StartWorker;
}

/** A pool, or why training stays on this one thread (undefined when the caller asked for one thread). */
export type PoolChoice = { pool: GradientPool; reason?: undefined } | { pool?: undefined; reason?: string };

const ROLE = 'a training thread';

/**
 * The least work a thread's share must hold to be worth sending, as bytes of
 * a training pass (the bytes one more example adds to tf.profile's peak ×
 * the share's examples). Below it the messages and the wait for the slowest thread cost
 * more than the second core saves. Measured on the 2-core machine (wasm, a
 * conv–BN–conv net, batch 32, so 16 examples a thread): shares of 2.6 MB ran
 * 0.55× as fast on 2 threads as on 1, 6.9 MB 1.22×, 27 MB 1.72× and 65 MB 1.81×.
 */
export const MIN_SHARE_BYTES = 6 * 2 ** 20;

/**
 * How many threads a batch gets, and why fewer than asked: the pool's
 * workers run wasm, so only a wasm run is split; a BatchNormalization layer
 * in batch mode updates moving statistics that would stay in a worker's copy;
 * each thread's share must hold at least MIN_SHARE_BYTES of work; and each
 * extra thread's heap (its passes' memory) must fit in the free memory.
 */
export function threadsFor(model: tf.LayersModel, options: Omit<PoolOptions, 'classWeights' | 'startWorker'> & { exampleWork: number }): { threads: number; reason?: string } {
  if (options.threads <= 1) return { threads: 1 };
  if (tf.getBackend() !== 'wasm') return { threads: 1, reason: `the ${tf.getBackend()} backend does the training, with threads of its own or none (the pool's threads run wasm)` };
  const unpinned = leafLayers(model).find(({ layer }) => layer.getClassName() === 'BatchNormalization' && !isBatchNormPinned(layer));
  if (unpinned) return { threads: 1, reason: `BatchNormalization layer ${unpinned.layer.name} trains in batch mode, and its moving statistics live on this thread` };
  const batchBytes = options.exampleWork * options.batchSize;
  const byWork = Math.min(options.threads, options.batchSize, Math.floor(batchBytes / MIN_SHARE_BYTES));
  if (byWork <= 1) return { threads: 1, reason: `a batch of ${options.batchSize} is about ${mib(batchBytes)} of work, and a thread's share must be ${mib(MIN_SHARE_BYTES)} to gain more than its messages cost` };
  const heapBytes = options.exampleBytes * Math.min(options.passSize, options.batchSize);
  const freeBytes = options.freeBytes ?? freemem();
  const threads = Math.min(byWork, 1 + Math.floor(freeBytes / heapBytes));
  if (threads > 1) return { threads };
  return { threads: 1, reason: `each thread's passes need about ${mib(heapBytes)} of memory, and ${mib(freeBytes)} is free` };
}

/** Starts the pool for `model` as it is frozen now, or says why not. */
export async function trainingPool(model: tf.LayersModel, options: PoolOptions): Promise<PoolChoice> {
  // The cheap reasons first: the work probe runs a training pass.
  const first = threadsFor(model, { ...options, exampleWork: options.exampleWork ?? Infinity });
  if (first.threads <= 1) return { reason: first.reason };
  const exampleWork = options.exampleWork ?? Math.max(0, (await passPeakBytes(model, 2)) - options.exampleBytes);
  const { threads, reason } = threadsFor(model, { ...options, exampleWork });
  if (threads <= 1) return { reason };
  const variables = model.trainableWeights;
  const weights = new SharedArrayBuffer(4 * variables.reduce((sum, w) => sum + sizeOf(w.shape), 0));
  const workers = Array.from({ length: threads - 1 }, () => new PoolThread(ROLE, options.startWorker));
  try {
    const trainable = leafLayers(model).flatMap(({ layer }) => (layer.trainable && layer.trainableWeights.length > 0 ? [layer.name] : []));
    const request = { type: 'loadTrainer' as const, artifacts: await artifactsOf(model), trainable, weightNames: variables.map((w) => w.originalName), weights, classWeights: options.classWeights };
    await Promise.all(workers.map((w) => w.request(request)));
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    return { reason: `its copy of the model did not load (${err instanceof Error ? err.message : String(err)})` };
  }
  return { pool: new Pool(model, workers, weights, options.classWeights) };
}

class Pool implements GradientPool {
  readonly threads: number;
  private readonly classWeights?: tf.Tensor1D;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly workers: PoolThread[],
    private readonly weights: SharedArrayBuffer,
    classWeights: number[] | undefined,
  ) {
    this.threads = workers.length + 1;
    this.classWeights = classWeights && tf.keep(tf.tensor1d(classWeights, 'float32'));
  }

  async gradients(xs: tf.Tensor[], labels: tf.Tensor1D, maxPassSize: number): Promise<BatchGradients> {
    const total = labels.shape[0];
    const { passSize } = passLayout(total, maxPassSize, this.threads);
    const shares = splitPasses(total, passSize, this.threads);
    this.writeWeights();
    const seeds = dropoutSeeds(this.model);
    const labelValues = labels.dataSync() as Int32Array;
    const values = xs.map((x) => x.dataSync() as Float32Array);
    const remote = this.workers.flatMap((worker, i) => {
      const [start, end] = shares[i + 1];
      if (end <= start) return [];
      const parts = xs.map((x, k) => {
        const perRow = sizeOf(x.shape.slice(1));
        return { shape: [end - start, ...x.shape.slice(1)], values: values[k].slice(start * perRow, end * perRow) };
      });
      const request = { type: 'gradients' as const, xs: parts, labels: labelValues.slice(start, end), batchSize: total, passSize, dropoutSeeds: seeds };
      return [worker.request(request, parts.map((p) => p.values.buffer as ArrayBuffer))];
    });
    // The workers are busy by now; this thread computes its own share meanwhile.
    const [, mineEnd] = shares[0];
    let sum: BatchGradients;
    try {
      sum = tf.tidy(() => ({ ...batchGradients(this.model, xs.map((x) => x.slice(0, mineEnd)), labels.slice(0, mineEnd), this.classWeights, passSize, total) }));
    } catch (err) {
      // The workers' replies no longer matter; their rejections, when the pool ends, must not go unhandled.
      for (const reply of remote) reply.catch(() => undefined);
      throw err;
    }
    let replies: WorkerReply[];
    try {
      replies = await Promise.all(remote);
    } catch (err) {
      tf.dispose([sum.loss, sum.accuracy, ...Object.values(sum.grads)]);
      await this.dispose();
      throw new Error(`${err instanceof Error ? err.message : String(err)}; training stopped (--threads 1 trains on one thread)`, { cause: err });
    }
    for (const reply of replies) if (reply.type === 'gradients') sum = addInto(sum, this.unpack(reply));
    return sum;
  }

  async dispose(): Promise<void> {
    this.classWeights?.dispose();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** The trainable weights, end to end, into the buffer every worker reads. */
  private writeWeights(): void {
    const view = new Float32Array(this.weights);
    let offset = 0;
    for (const w of this.model.trainableWeights) {
      const values = w.read().dataSync() as Float32Array;
      view.set(values, offset);
      offset += values.length;
    }
  }

  private unpack(reply: Extract<WorkerReply, { type: 'gradients' }>): BatchGradients {
    const grads: tf.NamedTensorMap = {};
    let offset = 0;
    for (const w of this.model.trainableWeights) {
      const size = sizeOf(w.shape);
      grads[w.name] = tf.tensor(reply.grads.subarray(offset, offset + size), w.shape as number[], 'float32');
      offset += size;
    }
    return { loss: tf.scalar(reply.loss), accuracy: tf.scalar(reply.accuracy), grads };
  }
}

/**
 * The passes of a batch on `threads` threads: as many as the heap needs, rounded
 * up to a multiple of the threads so that each thread gets the same number. 32
 * with room for 11 is 4 × 8 on 2 threads (2 + 2), where the one-thread plan's
 * 3 × ≤11 would leave a thread idle for a third of every step.
 */
export function passLayout(total: number, maxPassSize: number, threads: number): { passes: number; passSize: number } {
  const passes = Math.ceil(Math.ceil(total / maxPassSize) / threads) * threads;
  return { passes, passSize: Math.ceil(total / passes) };
}

/**
 * [start, end) examples per thread, the calling thread first: whole passes,
 * as evenly as they go (thread t takes passes ⌈tP/T⌉ to ⌈(t+1)P/T⌉, so the
 * calling thread is never idle), each with the examples it would have on one thread.
 */
export function splitPasses(total: number, passSize: number, threads: number): Array<[number, number]> {
  const passes = Math.ceil(total / passSize);
  return Array.from({ length: threads }, (_, t) => {
    const from = Math.ceil((t * passes) / threads);
    const to = Math.ceil(((t + 1) * passes) / threads);
    return [Math.min(total, from * passSize), Math.min(total, to * passSize)];
  });
}

/** The seeds the loop gave each Dropout layer for this batch, so a worker draws the masks this thread would. */
function dropoutSeeds(model: tf.LayersModel): Record<string, number> {
  const seeds: Record<string, number> = {};
  for (const { layer } of leafLayers(model)) {
    const seed = (layer as unknown as { seed?: number }).seed;
    if (layer.getClassName() === 'Dropout' && seed !== undefined) seeds[layer.name] = seed;
  }
  return seeds;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function sizeOf(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((a, b) => a * (b as number), 1);
}
