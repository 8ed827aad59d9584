// splitAtFreezeBoundary on a residual net whose skip connection crosses the
// boundary: two frontier tensors, suffix(prefix(x)) == model(x), shared weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { splitAtFreezeBoundary } from '../../src/engine/model/split';
import { applyFreeze } from '../../src/engine/model/transfer';
import { mnistCnn, residualCnn } from '../helpers/smallModels';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('a residual crossing the boundary gives two frontier tensors and the same predictions', () => {
  const model = residualCnn();
  const trainable = new Set(['conv_c', 'bn_c', 'logits']);
  applyFreeze(model, trainable, 'inference');
  const split = splitAtFreezeBoundary(model, trainable)!;
  assert.ok(split);
  assert.deepEqual(split.boundary, ['relu_a', 'relu_b']);
  assert.deepEqual(split.prefix.outputs.map((t) => t.shape), [[null, 6, 6, 4], [null, 6, 6, 4]]);
  assert.deepEqual(split.prefix.layers.map((l) => l.name), ['img', 'conv_a', 'bn_a', 'relu_a', 'conv_b', 'relu_b']);
  assert.equal(split.suffix.inputs.length, 2);
  const x = tf.randomNormal([3, 6, 6, 3], 0, 1, 'float32', 9);
  const whole = model.predict(x) as tf.Tensor;
  const viaSplit = split.suffix.predict(split.prefix.predict(x) as tf.Tensor[]) as tf.Tensor;
  assert.ok(maxAbsDiff(whole, viaSplit) < 1e-6);
  // The original model still works after its layers were re-applied.
  assert.ok(maxAbsDiff(model.predict(x) as tf.Tensor, whole) === 0);
});

test('training the suffix trains the shared weights of the full model', async () => {
  const model = residualCnn();
  const trainable = new Set(['conv_c', 'bn_c', 'logits']);
  applyFreeze(model, trainable, 'inference');
  const split = splitAtFreezeBoundary(model, trainable)!;
  const x = tf.randomNormal([4, 6, 6, 3], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
  const features = split.prefix.predict(x) as tf.Tensor[];
  const kernelBefore = model.getLayer('conv_c').getWeights()[0].dataSync().slice();
  const frozenBefore = model.getLayer('conv_a').getWeights()[0].dataSync().slice();
  split.suffix.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  await split.suffix.fit(features, y, { epochs: 1, batchSize: 4, verbose: 0 });
  assert.notDeepEqual(model.getLayer('conv_c').getWeights()[0].dataSync(), kernelBefore);
  assert.deepEqual(model.getLayer('conv_a').getWeights()[0].dataSync(), frozenBefore);
  const whole = model.predict(x) as tf.Tensor;
  const viaSplit = split.suffix.predict(split.prefix.predict(x) as tf.Tensor[]) as tf.Tensor;
  assert.ok(maxAbsDiff(whole, viaSplit) < 1e-6, 'after training, the full model computes what the split does');
});

test('a Sequential splits too; nothing frozen gives null, everything frozen gives null', () => {
  const model = mnistCnn();
  const split = splitAtFreezeBoundary(model, new Set(['dense128', 'dense5']))!;
  assert.deepEqual(split.boundary, ['flatten']);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4);
  assert.ok(maxAbsDiff(model.predict(x) as tf.Tensor, split.suffix.predict(split.prefix.predict(x) as tf.Tensor) as tf.Tensor) < 1e-6);
  assert.equal(splitAtFreezeBoundary(model, new Set(['conv1', 'conv2', 'dense128', 'dense5'])), null);
  assert.equal(splitAtFreezeBoundary(model, new Set()), null);
});

test('a prefix of weightless layers only (MobileNetV2 starts with ZeroPadding) is not worth a split', () => {
  const model = tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({ inputShape: [4, 4, 1], padding: 1, name: 'pad' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ],
  });
  assert.equal(splitAtFreezeBoundary(model, new Set(['conv', 'out'])), null);
  assert.deepEqual(splitAtFreezeBoundary(model, new Set(['out']))!.boundary, ['flat']);
});
