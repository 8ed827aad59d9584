import { tf } from '../tf';

/** Probabilities are clipped so that log(0) never turns a confident mistake into Infinity. */
const EPSILON = 1e-7;

/**
 * Mean categorical cross-entropy of softmax outputs against integer labels.
 * With `classWeights`, each example's loss is multiplied by its class weight
 * before the mean (Keras' `class_weight`: the divisor stays the batch size).
 */
export function crossEntropy(probs: tf.Tensor, labels: tf.Tensor1D, classWeights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = probs.shape[probs.shape.length - 1] as number;
    const oneHot = tf.oneHot(labels, numClasses).toFloat();
    const clipped = tf.clipByValue(probs, EPSILON, 1 - EPSILON);
    let perExample = tf.neg(tf.sum(tf.mul(oneHot, tf.log(clipped)), -1));
    if (classWeights) perExample = tf.mul(perExample, tf.gather(classWeights, labels));
    return tf.mean(perExample) as tf.Scalar;
  });
}

/** Share of examples whose arg-max matches the label. */
export function accuracy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.equal(tf.argMax(probs, -1), labels).toFloat()) as tf.Scalar);
}

/**
 * `balanced` class weights as scikit-learn defines them: n / (classes × n_c),
 * so that every class contributes equally to the loss. An empty class gets 1
 * (it never appears in a batch, so its weight does not matter).
 */
export function balancedClassWeights(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((c) => (c === 0 ? 1 : labels.length / (numClasses * c)));
}
