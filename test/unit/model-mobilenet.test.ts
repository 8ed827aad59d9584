// MobileNetV2 (nsfwjs, 224×224) end to end on the wasm backend (with the
// convolution gradients it lacks supplied from cpu; the cpu backend alone
// needs seconds per image), kept to a few images:
// - the freeze-boundary split predicts what the whole model does, and so
//   does its prefix with BatchNormalization folded into the convolutions;
// - fine-tuning `top:10` leaves every frozen weight, moving statistics
//   included, bit-identical while the trainable weights change;
// - with batchNormMode 'batch' a trainable BN's moving statistics do move,
//   so the bit-identical check is able to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { applyFreeze, attachHead, findDefaultCut, resolveTrainable } from '../../src/engine/model/transfer';
import { splitAtFreezeBoundary } from '../../src/engine/model/split';
import { foldBatchNorm } from '../../src/engine/model/foldBatchNorm';
import { leafLayers } from '../../src/engine/model/graph';
import { selectBackend } from '../../src/engine/backend/select';
import { fixtureDir } from '../helpers/nsfwjsFixtures';

async function prepared(mode: 'inference' | 'batch'): Promise<{ model: tf.LayersModel; trainable: Set<string> }> {
  await selectBackend({ requested: 'wasm' });
  const base = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 3, dropout: 0.2, seed: 42 });
  const trainable = resolveTrainable(model, 'top:10');
  applyFreeze(model, trainable, mode);
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return { model, trainable };
}

/** Every weight's bytes, keyed by layer and weight name. */
function bytesByWeight(model: tf.LayersModel): Map<string, { layer: string; trainableWeight: boolean; bytes: Buffer }> {
  const out = new Map<string, { layer: string; trainableWeight: boolean; bytes: Buffer }>();
  for (const { layer } of leafLayers(model)) {
    const trainableNames = new Set(layer.trainableWeights.map((w) => w.originalName));
    for (const w of layer.weights) {
      const data = w.read().dataSync() as Float32Array;
      out.set(w.originalName, { layer: layer.name, trainableWeight: trainableNames.has(w.originalName), bytes: Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
    }
  }
  return out;
}

async function fineTune(model: tf.LayersModel, images: number): Promise<void> {
  const x = tf.randomUniform([images, 224, 224, 3], -1, 1, 'float32', 7);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: images }, (_, i) => i % 3), 'int32'), 3);
  await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
}

test('the split at the top:10 boundary predicts what the whole model does', async () => {
  const { model, trainable } = await prepared('inference');
  const split = splitAtFreezeBoundary(model, trainable)!;
  // block_15's residual add crosses the boundary: two frontier tensors.
  assert.deepEqual(split.boundary, ['block_14_add', 'block_15_depthwise_relu']);
  const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 1);
  const whole = model.predict(x) as tf.Tensor;
  const viaSplit = split.suffix.predict(split.prefix.predict(x) as tf.Tensor[]) as tf.Tensor;
  const diff = tf.max(tf.abs(tf.sub(whole, viaSplit))).dataSync()[0];
  assert.ok(diff < 1e-4, `max difference ${diff}`);
  // The prefix with its BatchNormalization folded into the convolutions computes the same features.
  const { model: folded, folded: names } = foldBatchNorm(split.prefix);
  assert.ok(names.length >= 45, `folded ${names.length}`);
  const plain = split.prefix.predict(x) as tf.Tensor[];
  const fast = folded.predict(x) as tf.Tensor[];
  plain.forEach((p, i) => assert.ok(tf.max(tf.abs(tf.sub(p, fast[i]))).dataSync()[0] < 1e-4 * Math.max(1, tf.max(tf.abs(p)).dataSync()[0])));
});

test('fine-tuning top:10 leaves every frozen weight bit-identical, moving statistics included', async () => {
  const { model, trainable } = await prepared('inference');
  const before = bytesByWeight(model);
  await fineTune(model, 4); // two batches of two
  const after = bytesByWeight(model);
  let frozenChecked = 0;
  let trainableChanged = 0;
  for (const [name, b] of before) {
    const a = after.get(name)!;
    if (!trainable.has(b.layer) || !b.trainableWeight) {
      // Frozen layers' weights, and every layer's moving mean/variance (inference mode).
      assert.ok(a.bytes.equals(b.bytes), `${name} changed`);
      frozenChecked++;
    } else if (!a.bytes.equals(b.bytes)) {
      trainableChanged++;
    }
  }
  const trainableWeights = model.trainableWeights.length;
  assert.ok(frozenChecked > 240, `checked ${frozenChecked} frozen weights`);
  assert.equal(trainableChanged, trainableWeights, 'every trainable weight moved');
  assert.ok(before.has('block_1_expand_BN/moving_mean') && before.has('Conv_1_bn/moving_variance'));
});

test("with batchNormMode 'batch' a trainable BN's moving statistics do change", async () => {
  const { model } = await prepared('batch');
  const before = bytesByWeight(model);
  await fineTune(model, 2);
  const after = bytesByWeight(model);
  assert.ok(!after.get('Conv_1_bn/moving_mean')!.bytes.equals(before.get('Conv_1_bn/moving_mean')!.bytes));
  // Frozen BN stays pinned even in batch mode.
  assert.ok(after.get('block_1_expand_BN/moving_mean')!.bytes.equals(before.get('block_1_expand_BN/moving_mean')!.bytes));
});
