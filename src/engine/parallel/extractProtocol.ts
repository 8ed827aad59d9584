// Messages between the extraction pool (extractPool.ts) and its workers (extractWorker.ts).
import type { tf } from '../tf';

export type WorkerRequest =
  /** The frozen prefix, serialised with `model.save(withSaveHandler)`. */
  | { type: 'load'; artifacts: tf.io.ModelArtifacts }
  /** Images [n, h, w, c] as one buffer (transferred). */
  | { type: 'extract'; id: number; shape: number[]; pixels: Float32Array };

export type WorkerReply =
  | { type: 'loaded' }
  /** One buffer per prefix output, in the prefix's output order (transferred). */
  | { type: 'extracted'; id: number; rows: Float32Array[] }
  | { type: 'failed'; id?: number; message: string };
