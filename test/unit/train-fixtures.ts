// Tiny models and data for the train-/run- tests: a conv net small enough to
// train in milliseconds, split by hand at its freeze boundary (a stand-in for
// model/split.ts, kept here so the tests do not depend on its progress).
import { tf } from '../../src/engine/tf';
import { MemorySource } from '../../src/engine/train/source';
import { Rng } from '../../src/engine/util/rng';

export const SIZE = 8;
export const CLASSES = 3;

export interface TinyNet {
  full: tf.LayersModel;
  /** input → conv1 (frozen). */
  prefix: tf.LayersModel;
  /** conv1's activation → conv2 → pooling → dropout → dense. Shares layers (and weights) with `full`. */
  suffix: tf.LayersModel;
}

export function tinyNet(seed: number, dropout = 0.3): TinyNet {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const conv1 = tf.layers.conv2d({ name: 'conv1', filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1), trainable: false });
  const conv2 = tf.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) });
  const pool = tf.layers.globalAveragePooling2d({ name: 'ft_head_pool' });
  const drop = tf.layers.dropout({ name: 'ft_head_dropout', rate: dropout });
  const dense = tf.layers.dense({ name: 'ft_head_dense', units: CLASSES, activation: 'softmax', kernelInitializer: init(3) });
  const input = tf.input({ shape: [SIZE, SIZE, 1] });
  const cut = conv1.apply(input) as tf.SymbolicTensor;
  const head = (x: tf.SymbolicTensor) => dense.apply(drop.apply(pool.apply(conv2.apply(x)))) as tf.SymbolicTensor;
  const full = tf.model({ inputs: input, outputs: head(cut), name: 'full' });
  const prefix = tf.model({ inputs: input, outputs: cut, name: 'prefix' });
  const featureInput = tf.input({ shape: cut.shape.slice(1) as number[] });
  const suffix = tf.model({ inputs: featureInput, outputs: head(featureInput), name: 'suffix' });
  return { full, prefix, suffix };
}

/** Random images whose class is the brightest of three horizontal bands: learnable, but not instantly. */
export function tinyData(n: number, seed: number): { x: MemorySource; y: Int32Array } {
  const rng = new Rng(seed);
  const pixels = new Float32Array(n * SIZE * SIZE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % CLASSES;
    y[i] = label;
    for (let r = 0; r < SIZE; r++) {
      const band = Math.min(CLASSES - 1, Math.floor((r * CLASSES) / SIZE));
      for (let c = 0; c < SIZE; c++) pixels[i * SIZE * SIZE + r * SIZE + c] = rng.next() * 0.5 + (band === label ? 0.5 : 0);
    }
  }
  return { x: new MemorySource([pixels], [[SIZE, SIZE, 1]], n), y };
}

/** Counts the examples that pass through a model's `predict`. */
export function countPredictions(model: tf.LayersModel): { examples: number; calls: number } {
  const counter = { examples: 0, calls: 0 };
  const original = model.predict.bind(model);
  model.predict = ((x: tf.Tensor | tf.Tensor[], args?: Parameters<typeof original>[1]) => {
    counter.calls++;
    counter.examples += (Array.isArray(x) ? x[0] : x).shape[0];
    return original(x, args);
  }) as typeof model.predict;
  return counter;
}
