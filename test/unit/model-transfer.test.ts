// Cut + head, the freeze plan, and BatchNormalization pinned to inference mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { applyFreeze, attachHead, defaultPreprocessing, HEAD_PREFIX, isBatchNormPinned, LayerChoiceError, resolveTrainable } from '../../src/engine/model/transfer';
import { mnistCnn, nestedModel, residualCnn } from '../helpers/smallModels';

const names = (model: tf.LayersModel) => model.layers.map((l) => l.name);

test('attachHead on a 4-D cut adds pooling, dropout and a softmax dense, sharing base weights', () => {
  const base = residualCnn();
  const model = attachHead(base, { cut: 'add', numClasses: 7, dropout: 0.3, seed: 5 });
  const head = names(model).filter((n) => n.startsWith(HEAD_PREFIX));
  assert.deepEqual(head, [`${HEAD_PREFIX}pool`, `${HEAD_PREFIX}dropout`, `${HEAD_PREFIX}dense`]);
  assert.equal(model.getLayer(`${HEAD_PREFIX}pool`).getClassName(), 'GlobalAveragePooling2D');
  assert.equal((model.getLayer(`${HEAD_PREFIX}dropout`).getConfig() as { rate: number }).rate, 0.3);
  assert.deepEqual(model.outputs[0].shape, [null, 7]);
  assert.ok(!names(model).includes('gap') && !names(model).includes('logits'), 'the old classifier is cut off');
  assert.equal(model.getLayer('conv_a'), base.getLayer('conv_a'), 'the same layer object: weights shared');
  const sums = (model.predict(tf.ones([2, 6, 6, 3])) as tf.Tensor).sum(1).dataSync();
  sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  base.dispose();
});

test('attachHead on a 2-D cut adds no pooling; the head init is deterministic per seed', () => {
  const kernel = (seed: number) => {
    const m = attachHead(mnistCnn(), { cut: 'flatten', numClasses: 3, dropout: 0.2, seed });
    assert.ok(!names(m).includes(`${HEAD_PREFIX}pool`));
    return Array.from(m.getLayer(`${HEAD_PREFIX}dense`).getWeights()[0].dataSync());
  };
  assert.deepEqual(kernel(11), kernel(11));
  assert.notDeepEqual(kernel(11), kernel(12));
});

test('attachHead: unknown cut names near matches; one class is refused', () => {
  const base = mnistCnn();
  assert.throws(() => attachHead(base, { cut: 'flaten', numClasses: 3, dropout: 0, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof LayerChoiceError);
    assert.match(e.message, /unknown cut layer 'flaten'; did you mean 'flatten'/);
    return true;
  });
  assert.throws(() => attachHead(base, { cut: 'flatten', numClasses: 1, dropout: 0, seed: 1 }), /at least 2 classes/);
});

test('attaching a second head to a fine-tuned model gets fresh head names', () => {
  const once = attachHead(residualCnn(), { cut: 'add', numClasses: 3, dropout: 0, seed: 1 });
  const twice = attachHead(once, { cut: `${HEAD_PREFIX}pool`, numClasses: 4, dropout: 0, seed: 1 });
  assert.ok(names(twice).includes(`${HEAD_PREFIX}dense_2`));
});

test('resolveTrainable: head, top:K (weighted layers nearest the cut), all, explicit', () => {
  const model = attachHead(residualCnn(), { cut: 'add', numClasses: 3, dropout: 0.1, seed: 1 });
  const head = [`${HEAD_PREFIX}pool`, `${HEAD_PREFIX}dropout`, `${HEAD_PREFIX}dense`];
  assert.deepEqual([...resolveTrainable(model, 'head')].sort(), [...head].sort());
  assert.deepEqual([...resolveTrainable(model, 'top:2')].sort(), ['bn_c', 'conv_c', ...head].sort());
  assert.deepEqual([...resolveTrainable(model, 'top:0')].sort(), [...head].sort());
  assert.deepEqual([...resolveTrainable(model, 'top:99')].sort(), ['bn_a', 'bn_c', 'conv_a', 'conv_b', 'conv_c', ...head].sort());
  assert.deepEqual([...resolveTrainable(model, 'all')].sort(), [...resolveTrainable(model, 'top:99')].sort());
  assert.deepEqual([...resolveTrainable(model, ['conv_b'])].sort(), ['conv_b', ...head].sort());
  assert.throws(() => resolveTrainable(model, ['conv_x']), /unknown layer 'conv_x'; did you mean 'conv_a', 'conv_b', 'conv_c'\?/);
  assert.throws(() => resolveTrainable(residualCnn(), 'head'), /has no head/);
});

test('applyFreeze sets trainable weights and pins BatchNormalization', () => {
  const model = attachHead(residualCnn(), { cut: 'add', numClasses: 3, dropout: 0, seed: 1 });
  applyFreeze(model, resolveTrainable(model, 'top:2'), 'inference');
  const trainable = model.trainableWeights.map((w) => w.originalName).sort();
  assert.deepEqual(trainable, ['bn_c/beta', 'bn_c/gamma', 'conv_c/bias', 'conv_c/kernel', `${HEAD_PREFIX}dense/bias`, `${HEAD_PREFIX}dense/kernel`].sort());
  assert.ok(isBatchNormPinned(model.getLayer('bn_a')) && isBatchNormPinned(model.getLayer('bn_c')));
  applyFreeze(model, resolveTrainable(model, 'top:2'), 'batch');
  assert.ok(isBatchNormPinned(model.getLayer('bn_a')), 'frozen BN stays pinned in batch mode');
  assert.ok(!isBatchNormPinned(model.getLayer('bn_c')), 'trainable BN uses batch statistics in batch mode');
});

test('applyFreeze reaches layers inside nested models', () => {
  const model = attachHead(nestedModel(), { cut: 'features', numClasses: 2, dropout: 0, seed: 1 });
  applyFreeze(model, new Set(['f_dense2', `${HEAD_PREFIX}dense`]), 'inference');
  assert.deepEqual(model.trainableWeights.map((w) => w.originalName).sort(), ['f_dense2/bias', 'f_dense2/kernel', `${HEAD_PREFIX}dense/bias`, `${HEAD_PREFIX}dense/kernel`]);
  applyFreeze(model, new Set([`${HEAD_PREFIX}dense`]), 'inference');
  assert.deepEqual(model.trainableWeights.map((w) => w.originalName).sort(), [`${HEAD_PREFIX}dense/bias`, `${HEAD_PREFIX}dense/kernel`]);
});

function bnStats(model: tf.LayersModel, layer: string): Float32Array[] {
  return model.getLayer(layer).getWeights().slice(2).map((w) => w.dataSync() as Float32Array);
}

async function fitOnce(model: tf.LayersModel): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([8, 6, 6, 3], 2, 3, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
  await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
}

test('tfjs alone updates a frozen BatchNormalization inside fit (the bug applyFreeze fixes)', async () => {
  const model = residualCnn();
  model.getLayer('bn_a').trainable = false;
  const before = bnStats(model, 'bn_a');
  await fitOnce(model);
  assert.notDeepEqual(bnStats(model, 'bn_a'), before, 'if this fails, tfjs fixed it and the pin is belt and braces');
});

test('with applyFreeze, frozen BN is bit-identical; trainable BN keeps its stats in inference mode and moves them in batch mode', async () => {
  for (const mode of ['inference', 'batch'] as const) {
    const model = residualCnn();
    applyFreeze(model, new Set(['conv_c', 'bn_c', 'logits']), mode);
    const frozen = bnStats(model, 'bn_a');
    const trained = bnStats(model, 'bn_c');
    const gamma = model.getLayer('bn_c').getWeights()[0].dataSync().slice();
    await fitOnce(model);
    assert.deepEqual(bnStats(model, 'bn_a'), frozen, `${mode}: frozen moving stats unchanged`);
    assert.notDeepEqual(model.getLayer('bn_c').getWeights()[0].dataSync(), gamma, `${mode}: trainable gamma changed`);
    if (mode === 'inference') assert.deepEqual(bnStats(model, 'bn_c'), trained, 'inference: trainable BN moving stats unchanged');
    else assert.notDeepEqual(bnStats(model, 'bn_c'), trained, 'batch: trainable BN moving stats move');
    model.dispose();
  }
});

test('defaultPreprocessing follows the input shape', () => {
  assert.deepEqual(defaultPreprocessing(mnistCnn()), { height: 28, width: 28, channels: 1, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'stretch' });
  assert.deepEqual(defaultPreprocessing(residualCnn()).range, { kind: 'symmetric' });
});
