// One worker thread of the pool: its own tfjs with its own wasm instance
// (tfjs's wasm runs one thread under Node), so N threads use N cores. For
// feature extraction it receives the frozen prefix once, as in-memory model
// artifacts, and runs `predict` on the image chunks it is sent; for training
// it holds a copy of the model that trains (workerTraining.ts).
import { parentPort } from 'node:worker_threads';
import { tf } from '../tf';
import { selectBackend } from '../backend/select';
import type { WorkerReply, WorkerRequest } from './protocol';
import { TrainingCopy } from './workerTraining';

let prefix: tf.LayersModel | undefined;
let trainer: TrainingCopy | undefined;

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  const { id } = request;
  switch (request.type) {
    case 'load':
      await selectBackend({ requested: 'wasm' });
      prefix = await tf.loadLayersModel(tf.io.fromMemory(request.artifacts));
      return { type: 'loaded', id };
    case 'extract': {
      const outputs = tf.tidy(() => {
        const out = prefix!.predict(tf.tensor(request.pixels, request.shape, 'float32'));
        return Array.isArray(out) ? out : [out];
      });
      const rows = outputs.map((t) => t.dataSync() as Float32Array);
      tf.dispose(outputs);
      return { type: 'extracted', id, rows };
    }
    case 'loadTrainer':
      await selectBackend({ requested: 'wasm' });
      trainer = await TrainingCopy.load(request);
      return { type: 'loaded', id };
    case 'gradients':
      return { type: 'gradients', id, ...trainer!.gradients(request) };
  }
}

/** The buffers a reply hands over rather than copies. */
function transfers(reply: WorkerReply): ArrayBuffer[] {
  if (reply.type === 'extracted') return reply.rows.map((r) => r.buffer as ArrayBuffer);
  if (reply.type === 'gradients') return [reply.grads.buffer as ArrayBuffer];
  return [];
}

parentPort!.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => parentPort!.postMessage(reply, transfers(reply)),
    (err: unknown) => parentPort!.postMessage({ type: 'failed', id: request.id, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});
