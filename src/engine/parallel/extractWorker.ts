// One feature-extraction worker thread: its own tfjs with its own wasm
// instance (tfjs's wasm runs one thread under Node), so N workers use N cores.
// It receives the frozen prefix once, as in-memory model artifacts, then runs
// `predict` on the image chunks it is sent and returns the activations.
import { parentPort } from 'node:worker_threads';
import { tf } from '../tf';
import { selectBackend } from '../backend/select';
import type { WorkerReply, WorkerRequest } from './extractProtocol';

let model: tf.LayersModel | undefined;

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  if (request.type === 'load') {
    await selectBackend({ requested: 'wasm' });
    model = await tf.loadLayersModel(tf.io.fromMemory(request.artifacts));
    return { type: 'loaded' };
  }
  const outputs = tf.tidy(() => {
    const out = model!.predict(tf.tensor(request.pixels, request.shape, 'float32'));
    return Array.isArray(out) ? out : [out];
  });
  const rows = outputs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outputs);
  return { type: 'extracted', id: request.id, rows };
}

parentPort!.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => parentPort!.postMessage(reply, reply.type === 'extracted' ? reply.rows.map((r) => r.buffer as ArrayBuffer) : []),
    (err: unknown) => parentPort!.postMessage({ type: 'failed', id: 'id' in request ? request.id : undefined, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});
