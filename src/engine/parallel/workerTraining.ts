// The worker side of training on every core (trainPool.ts): a copy of the
// model that trains, under the same freeze (BatchNormalization pinned, as the
// pool only runs when every BatchNormalization layer is pinned), whose
// trainable weights are refreshed from shared memory before every share.
import { tf } from '../tf';
import { applyFreeze } from '../model/freeze';
import { batchGradients } from '../train/microBatch';
import { leafLayers } from '../model/graph';
import type { WorkerRequest } from './protocol';

type LoadRequest = Extract<WorkerRequest, { type: 'loadTrainer' }>;
type GradientsRequest = Extract<WorkerRequest, { type: 'gradients' }>;

export class TrainingCopy {
  private constructor(
    private readonly model: tf.LayersModel,
    private readonly weights: Float32Array,
    private readonly classWeights: tf.Tensor1D | undefined,
  ) {}

  static async load(request: LoadRequest): Promise<TrainingCopy> {
    const model = await tf.loadLayersModel(tf.io.fromMemory(request.artifacts));
    applyFreeze(model, new Set(request.trainable), 'inference');
    const names = model.trainableWeights.map((w) => w.originalName);
    if (names.join('\n') !== request.weightNames.join('\n')) {
      model.dispose();
      throw new Error(`the copy of the model trains other weights than the original (${names.length} against ${request.weightNames.length})`);
    }
    const classWeights = request.classWeights && tf.tensor1d(request.classWeights, 'float32');
    return new TrainingCopy(model, new Float32Array(request.weights), classWeights);
  }

  /** The share's scaled loss, accuracy and gradients, on the weights the main thread just wrote. */
  gradients(request: GradientsRequest): { loss: number; accuracy: number; grads: Float32Array } {
    this.readWeights();
    for (const { layer } of leafLayers(this.model)) {
      const seed = request.dropoutSeeds[layer.name];
      if (seed !== undefined) (layer as unknown as { seed: number }).seed = seed;
    }
    const xs = request.xs.map((x) => tf.tensor(x.values, x.shape, 'float32'));
    const labels = tf.tensor1d(request.labels, 'int32');
    const step = batchGradients(this.model, xs, labels, this.classWeights, request.passSize, request.batchSize);
    try {
      const grads = new Float32Array(this.weights.length);
      let offset = 0;
      for (const w of this.model.trainableWeights) {
        const values = step.grads[w.name].dataSync() as Float32Array;
        grads.set(values, offset);
        offset += values.length;
      }
      return { loss: step.loss.dataSync()[0], accuracy: step.accuracy.dataSync()[0], grads };
    } finally {
      tf.dispose([...xs, labels, step.loss, step.accuracy, ...Object.values(step.grads)]);
    }
  }

  /** Writes the shared buffer's values into the trainable variables, in order. */
  private readWeights(): void {
    tf.tidy(() => {
      let offset = 0;
      for (const w of this.model.trainableWeights) {
        const size = w.shape.reduce<number>((a, b) => a * (b as number), 1);
        w.write(tf.tensor(this.weights.slice(offset, offset + size), w.shape as number[], 'float32'));
        offset += size;
      }
    });
  }
}
