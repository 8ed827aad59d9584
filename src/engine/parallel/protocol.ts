// Messages between the pool's threads (workerThread.ts) and poolWorker.ts.
// Every request carries an id; its one reply carries the same id.
import type { tf } from '../tf';

/** One input tensor of a training share, as plain data (transferred). */
export interface TensorData {
  shape: number[];
  values: Float32Array;
}

export type WorkerRequest =
  /** The frozen prefix, serialised with `model.save(withSaveHandler)`. */
  | { type: 'load'; id: number; artifacts: tf.io.ModelArtifacts }
  /** Images [n, h, w, c] as one buffer (transferred). */
  | { type: 'extract'; id: number; shape: number[]; pixels: Float32Array }
  /**
   * The model that trains, with the freeze it trains under. `weights` is
   * shared memory that the main thread refills with the trainable weights
   * before every step, in `weightNames` order.
   */
  | { type: 'loadTrainer'; id: number; artifacts: tf.io.ModelArtifacts; trainable: string[]; weightNames: string[]; weights: SharedArrayBuffer; classWeights?: number[] }
  /**
   * Loss and gradients of one share of a batch of `batchSize`, in passes of
   * at most `passSize` (microBatch.ts), with the batch's dropout seeds by layer.
   */
  | { type: 'gradients'; id: number; xs: TensorData[]; labels: Int32Array; batchSize: number; passSize: number; dropoutSeeds: Record<string, number> };

export type WorkerReply =
  | { type: 'loaded'; id: number }
  /** One buffer per prefix output, in the prefix's output order (transferred). */
  | { type: 'extracted'; id: number; rows: Float32Array[] }
  /**
   * The share's loss and accuracy, already scaled by its share of the batch,
   * and its gradients in `weightNames` order, end to end in one buffer (transferred).
   */
  | { type: 'gradients'; id: number; loss: number; accuracy: number; grads: Float32Array }
  | { type: 'failed'; id: number; message: string };
