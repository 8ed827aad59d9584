// The real architectures shipped by nsfwjs (Keras-converted, uint8-quantized)
// pass validation, load, summarise and fine-tune.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLayersModelFromDir, validateLayersModelDir } from '../../src/engine/model/load';
import { summarizeModel } from '../../src/engine/model/summary';
import { applyFreeze, attachHead, defaultPreprocessing, findDefaultCut, resolveTrainable } from '../../src/engine/model/transfer';
import { splitAtFreezeBoundary } from '../../src/engine/model/split';
import { selectBackend } from '../../src/engine/backend/select';
import { tf } from '../../src/engine/tf';
import { fixtureDir } from '../helpers/nsfwjsFixtures';

for (const [name, size, layers] of [['mobilenet_v2', 224, 162], ['inception_v3', 299, 318]] as const) {
  test(`${name} loads and summarises`, async () => {
    const dir = fixtureDir(name);
    const artifacts = await validateLayersModelDir(dir);
    assert.ok(artifacts.weightSpecs.every((s) => s.quantization?.dtype === 'uint8'), 'the fixture exercises the quantization schema');
    const model = await loadLayersModelFromDir(dir);
    const s = summarizeModel(model, name);
    assert.equal(s.layers.length, layers);
    assert.equal(s.totalParams, model.countParams());
    assert.equal(s.layers.reduce((sum, l) => sum + l.trainableParams + l.nonTrainableParams, 0), model.countParams());
    assert.deepEqual(s.inputShape, [null, size, size, 3]);
    // Both end … → AveragePooling2D → Flatten → Dense → Dropout → Dense → Dropout → Dense(5, softmax).
    assert.equal(s.defaultCut, 'flatten_1');
    assert.deepEqual(s.layers.find((l) => l.name === 'flatten_1')!.inbound, [name === 'mobilenet_v2' ? 'average_pooling2d_1' : 'average_pooling2d_10']);
    assert.ok(s.layers.some((l) => l.className === 'BatchNormalization' && l.nonTrainableParams > 0));
    const pre = defaultPreprocessing(model);
    assert.equal(pre.height, size);
    assert.deepEqual(pre.range, { kind: 'symmetric' });
    model.dispose();
  });
}

test('inception_v3 fine-tunes top:2 on features cached at the freeze boundary', async () => {
  await selectBackend({ requested: 'wasm' });
  const base = await loadLayersModelFromDir(fixtureDir('inception_v3'));
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 2, dropout: 0.1, seed: 3 });
  const trainable = resolveTrainable(model, 'top:2');
  applyFreeze(model, trainable, 'inference');
  const split = splitAtFreezeBoundary(model, trainable)!;
  const x = tf.randomUniform([2, 299, 299, 3], -1, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
  const cached = split.prefix.predict(x) as tf.Tensor | tf.Tensor[];
  const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
  split.suffix.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  await split.suffix.fit(cached, y, { epochs: 2, batchSize: 2, verbose: 0 });
  const after = model.trainableWeights.map((w) => w.read().dataSync());
  assert.ok(before.length >= 4);
  before.forEach((b, i) => assert.notDeepEqual(after[i], b, `${model.trainableWeights[i].originalName} trained`));
  // The full model (what gets saved) computes what the trained split does.
  const whole = model.predict(x) as tf.Tensor;
  const viaSplit = split.suffix.predict(cached) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(whole, viaSplit))).dataSync()[0] < 1e-4);
  tf.dispose([x, y, cached, whole, viaSplit]);
  model.dispose();
});
