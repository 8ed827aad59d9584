// One thread of the pool that feature extraction (extractPool.ts) and
// training (trainPool.ts) share: a worker_threads Worker running
// poolWorker.ts, with its own tfjs and its own wasm instance. Requests carry
// an id and each gets one reply; a thread that dies rejects everything it
// still owed with one clear line.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { tf } from '../tf';
import type { WorkerReply, WorkerRequest } from './protocol';

/** Starts the worker's script; tests pass their own to force a failure. */
export type StartWorker = () => Worker;

/** The worker's script next to this module: the bundle's .js, or the .ts source through tsx when the sources run directly (tests, bench). */
export function startPoolWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    // Node 20 refuses a .ts entry even with tsx in execArgv; tsx's require hook in an eval'd entry loads it.
    return new Worker(`${tsxPreamble()} require(${JSON.stringify(join(__dirname, 'poolWorker.ts'))});`, { eval: true });
  }
  return new Worker(join(__dirname, 'poolWorker.js'));
}

/** The `require` of tsx's hook that an eval'd worker entry needs before it can load .ts sources. */
export function tsxPreamble(): string {
  return `require(${JSON.stringify(require.resolve('tsx/cjs'))});`;
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };

export class PoolThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure?: Error;
  private ended = false;

  /** `role` names the thread in errors: "a feature-extraction thread", "a training thread". */
  constructor(
    private readonly role: string,
    start: StartWorker = startPoolWorker,
  ) {
    this.worker = start();
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(new Error(`${role} failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`${role} exited (code ${code})`)));
  }

  /** Sends one request (its `id` is filled in) and resolves with its reply; a `failed` reply rejects. */
  request(request: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  /** Ends the thread (its wasm heap with it); safe to call twice. */
  async terminate(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.worker.removeAllListeners('exit');
    this.fail(new Error(`${this.role} was ended`));
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.type === 'failed') waiting?.reject(new Error(`${this.role}: ${reply.message}`));
    else waiting?.resolve(reply);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }
}

/** A model's topology and weights in memory, as a worker loads them. */
export async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
