import { tf } from '../tf';
import type { TrainSpec } from '../../shared/trainSpec';

export type OptimizerName = TrainSpec['optimizer'];

/** adam, sgd with momentum (plain sgd when momentum is 0) or rmsprop. */
export function makeOptimizer(name: OptimizerName, learningRate: number, momentum = 0.9): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return momentum > 0 ? tf.train.momentum(learningRate, momentum) : tf.train.sgd(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/**
 * Changes the learning rate of a live optimizer (reduce-on-plateau). tfjs'
 * Adam and RMSProp read `learningRate` on every step, while SGD and Momentum
 * cache it in a scalar that only `setLearningRate` refreshes.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}
