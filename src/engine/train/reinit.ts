import { tf } from '../tf';
import { Rng } from '../util/rng';

/**
 * Replaces every weight with a fresh, seeded initial value: the "from scratch"
 * baseline that shows what pre-training is worth. Kernels get Glorot-uniform,
 * BatchNormalization gamma and moving variance 1, everything else 0 (biases,
 * beta, moving mean), as Keras initialises them.
 */
export function reinitializeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const w of model.weights) {
    const name = w.originalName || w.name;
    const shape = w.shape as number[];
    const value = tf.tidy(() => {
      if (/(gamma|moving_variance)$/.test(name)) return tf.ones(shape);
      if (shape.length < 2) return tf.zeros(shape);
      return tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) }).apply(shape);
    });
    w.write(value);
    value.dispose();
  }
}
