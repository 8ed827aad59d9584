// Folding inference-mode BatchNormalization into the convolution before it:
// same predictions, fewer layers, the original model untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { foldBatchNorm } from '../../src/engine/model/foldBatchNorm';
import { residualCnn } from '../helpers/smallModels';

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

/** Random, non-trivial BN statistics and affine weights, so that folding has something to fold. */
function randomizeBatchNorms(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const centred = layer.weights.map((w) => /beta|moving_mean/.test(w.originalName));
    layer.setWeights(layer.getWeights().map((w, i) => tf.add(tf.randomUniform(w.shape, 0.2, 1.5, 'float32', seed + i), centred[i] ? -0.8 : 0)));
  }
}

/** conv (no bias) → BN → relu6 → depthwise (multiplier 2) → BN(scale=False) → a branch read twice. */
function mobileBlock(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, name: 'expand', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'expand_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ scale: false, name: 'dw_bn' }).apply(x) as tf.SymbolicTensor;
  // A conv whose output is also read by another layer cannot fold: the unnormalised value is needed.
  const shared = tf.layers.conv2d({ filters: 8, kernelSize: 1, name: 'shared' }).apply(x) as tf.SymbolicTensor;
  const sharedBn = tf.layers.batchNormalization({ name: 'shared_bn' }).apply(shared) as tf.SymbolicTensor;
  const out = tf.layers.add({}).apply([sharedBn, shared]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

test('conv and depthwise BN pairs fold; predictions agree; a conv read twice stays', () => {
  const model = mobileBlock();
  randomizeBatchNorms(model, 4);
  const { model: folded, folded: names } = foldBatchNorm(model);
  assert.deepEqual(names, ['expand_bn', 'dw_bn']);
  assert.equal(folded.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 1);
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5);
  const diff = maxDiff(model.predict(x) as tf.Tensor, folded.predict(x) as tf.Tensor);
  assert.ok(diff < 1e-5, `difference ${diff}`);
  assert.ok(maxDiff(model.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor) === 0);
});

test('a residual net folds its conv → BN pairs only', () => {
  const model = residualCnn();
  randomizeBatchNorms(model, 9);
  const { model: folded, folded: names } = foldBatchNorm(model);
  assert.deepEqual(names, ['bn_a', 'bn_c']);
  const x = tf.randomNormal([3, 6, 6, 3], 0, 1, 'float32', 2);
  assert.ok(maxDiff(model.predict(x) as tf.Tensor, folded.predict(x) as tf.Tensor) < 1e-5);
});
