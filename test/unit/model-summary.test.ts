// The layer tree and the default cut, on small models shaped like real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { summarizeModel } from '../../src/engine/model/summary';
import { findDefaultCut } from '../../src/engine/model/transfer';
import { mnistCnn, mobilenetV1Like, nestedModel, residualCnn } from '../helpers/smallModels';

function paramsOf(summary: ReturnType<typeof summarizeModel>): number {
  return summary.layers.reduce((s, l) => s + l.trainableParams + l.nonTrainableParams, 0);
}

test('MNIST CNN: rows, shapes, params and the cut at flatten', () => {
  const model = mnistCnn();
  const s = summarizeModel(model, 'demo');
  assert.equal(s.name, 'demo');
  assert.equal(s.format, 'layers');
  assert.deepEqual(s.layers.map((l) => l.name), ['conv1_input', 'conv1', 'conv2', 'pool', 'dropout1', 'flatten', 'dense128', 'dropout2', 'dense5']);
  const conv1 = s.layers[1];
  assert.equal(conv1.className, 'Conv2D');
  assert.deepEqual(conv1.outputShape, [null, 26, 26, 4]);
  assert.equal(conv1.trainableParams, 3 * 3 * 1 * 4 + 4);
  assert.deepEqual(conv1.inbound, ['conv1_input']);
  assert.equal(conv1.config.filters, 4);
  assert.equal(conv1.config.activation, 'relu');
  assert.equal(conv1.hasWeights, true);
  assert.equal(s.layers[3].hasWeights, false);
  assert.deepEqual(s.inputShape, [null, 28, 28, 1]);
  assert.equal(s.totalParams, model.countParams());
  assert.equal(paramsOf(s), model.countParams());
  assert.equal(s.trainableParams, model.countParams());
  assert.equal(s.defaultCut, 'flatten');
  assert.equal(findDefaultCut(model), 'flatten');
  model.dispose();
});

test('frozen layers count as non-trainable params', () => {
  const model = mnistCnn();
  model.getLayer('conv1').trainable = false;
  const s = summarizeModel(model);
  const conv1 = s.layers.find((l) => l.name === 'conv1')!;
  assert.equal(conv1.trainableParams, 0);
  assert.equal(conv1.nonTrainableParams, 40);
  assert.equal(s.trainableParams, model.countParams() - 40);
  model.dispose();
});

test('nested models are flattened with a path, totals still equal countParams', () => {
  const model = nestedModel();
  const s = summarizeModel(model);
  const rows = Object.fromEntries(s.layers.map((l) => [l.name, l]));
  assert.deepEqual(rows.f_dense1.path, ['features']);
  assert.deepEqual(rows.f_bn.path, ['features']);
  assert.deepEqual(rows.cls.path, []);
  assert.deepEqual(rows.cls.inbound, ['features']);
  // BatchNormalization: gamma/beta train, moving mean/variance do not.
  assert.equal(rows.f_bn.trainableParams, 12);
  assert.equal(rows.f_bn.nonTrainableParams, 12);
  assert.equal(paramsOf(s), model.countParams());
  assert.equal(s.totalParams, model.countParams());
  assert.equal(s.layers.map((l) => l.index).join(','), s.layers.map((_, i) => i).join(','));
  model.dispose();
});

test('MobileNet v1 classifier (reshape, 1×1 conv_preds, softmax) is walked over to the pooling', () => {
  const model = mobilenetV1Like();
  assert.equal(findDefaultCut(model), 'global_average_pooling2d_1');
  model.dispose();
});

test('a residual net cuts before its Dense classifier; multi-input layers list all inbound', () => {
  const model = residualCnn();
  const s = summarizeModel(model);
  assert.equal(s.defaultCut, 'gap');
  assert.deepEqual(s.layers.find((l) => l.name === 'add')!.inbound, ['bn_c', 'relu_a']);
  assert.equal(paramsOf(s), model.countParams());
  model.dispose();
});

test('a pure MLP cuts just below its output layer', () => {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 3, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const o = tf.layers.dense({ units: 2, name: 'output' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: o });
  assert.equal(findDefaultCut(model), 'hidden');
  model.dispose();
});
