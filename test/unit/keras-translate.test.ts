// Keras config translation: untranslatable layers are named with their class,
// and a model still opens up to a cut below them; Keras 3 naming rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { ModelFileError } from '../../src/engine/model/modelFileError';
import { importKerasModel } from '../../src/engine/model/keras/importer';
import { exportKeras } from '../../src/engine/model/keras/exporter';
import { legacyInboundNodes, toSnakeCase } from '../../src/engine/model/keras/layerConfig';
import { editConfig } from '../helpers/kerasFiles';

let dir: string;
let base: string;
let reference: tf.LayersModel;
const x = () => tf.tensor([[0.1, -0.2, 0.3, 0.4]]);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ft-keras-tr-'));
  const input = tf.input({ shape: [4], name: 'input_layer' });
  const h = tf.layers.dense({ units: 5, activation: 'relu', name: 'features' }).apply(input) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 3, activation: 'softmax', name: 'classifier' }).apply(h) as tf.SymbolicTensor;
  reference = tf.model({ inputs: input, outputs: y, name: 'functional' });
  base = join(dir, 'base.keras');
  await exportKeras(reference, base);
});
after(() => {
  reference.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Appends `layer` after `classifier` and makes it the output, as Keras 3 writes such a layer. */
function withTopLayer(name: string, layer: object): string {
  const path = join(dir, name);
  editConfig(base, path, (config) => {
    const tensor = { class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['classifier', 0, 0] } };
    config.config.layers.push({ ...layer, inbound_nodes: [{ args: [tensor], kwargs: {} }] });
    config.config.output_layers = [[(layer as { name: string }).name, 0, 0]];
  });
  return path;
}

const LAMBDA = { module: 'keras.layers', class_name: 'Lambda', config: { name: 'scale', function: { class_name: '__lambda__', config: { code: '...' } } }, registered_name: null, name: 'scale' };
const CUSTOM = { module: 'my_project.layers', class_name: 'TemperatureScaling', config: { name: 'temperature', t: 2 }, registered_name: 'Custom>TemperatureScaling', name: 'temperature' };

test('a Lambda layer is named in one line, with its class', async () => {
  const path = withTopLayer('lambda.keras', LAMBDA);
  await assert.rejects(importKerasModel(path), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.equal(e.message, `${path}: layer 'scale' (Lambda) cannot be translated to TF.js: a Lambda holds Python code; cut below it (--cut LAYER) to use the layers before it`);
    return true;
  });
});

test('a custom layer above the cut: the model opens up to the cut and computes what the original computes there', async () => {
  const path = withTopLayer('custom.keras', CUSTOM);
  await assert.rejects(importKerasModel(path), /layer 'temperature' \(TemperatureScaling\) cannot be translated to TF\.js: no TF\.js layer of this class/);
  const { model } = await importKerasModel(path, { cut: 'features' });
  try {
    assert.deepEqual(model.layers.map((l) => l.name), ['input_layer', 'features']);
    const want = tf.model({ inputs: reference.inputs, outputs: reference.getLayer('features').output as tf.SymbolicTensor });
    tf.tidy(() => assert.deepEqual((model.predict(x()) as tf.Tensor).arraySync(), (want.predict(x()) as tf.Tensor).arraySync()));
  } finally {
    model.dispose();
  }
});

test('an untranslatable layer below the cut is still refused, naming it', async () => {
  const path = join(dir, 'custom-below.keras');
  editConfig(base, path, (config) => {
    const features = config.config.layers.find((l: { name: string }) => l.name === 'features');
    Object.assign(features, { module: 'my_project.layers', class_name: 'MyDense', registered_name: 'Custom>MyDense' });
  });
  await assert.rejects(importKerasModel(path, { cut: 'classifier' }), /layer 'features' \(MyDense\) cannot be translated to TF\.js \(no TF\.js layer of this class\), and the cut 'classifier' needs it/);
});

test("Keras's snake_case rule for weight paths", () => {
  assert.deepEqual(
    ['Dense', 'Conv2D', 'BatchNormalization', 'DepthwiseConv2D', 'ReLU', 'SeparableConv2D', 'Functional', 'GlobalAveragePooling2D'].map(toSnakeCase),
    ['dense', 'conv2d', 'batch_normalization', 'depthwise_conv2d', 're_lu', 'separable_conv2d', 'functional', 'global_average_pooling2d'],
  );
});

test('Keras 3 inbound nodes become Keras 2 lists; a nested Sequential is renumbered as tfjs counts its calls', () => {
  const t = (layer: string, node: number) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [layer, node, 0] } });
  const nodes = [{ args: [[t('a', 0), t('seq', 0)]], kwargs: {} }];
  assert.deepEqual(legacyInboundNodes(nodes, new Set(['seq'])), [[['a', 0, 0, {}], ['seq', 1, 0, {}]]]);
  assert.deepEqual(legacyInboundNodes([[['a', 0, 0, {}]]], new Set()), [[['a', 0, 0, {}]]], 'Keras 2 nodes pass through');
});

test('a SeparableConv2D depth multiplier survives the export, which tfjs leaves out of its config', async () => {
  const input = tf.input({ shape: [6, 6, 2] });
  const out = tf.layers.separableConv2d({ filters: 3, kernelSize: 3, depthMultiplier: 2, name: 'sep' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const path = join(dir, 'separable.keras');
  await exportKeras(model, path);
  const { model: again } = await importKerasModel(path);
  try {
    const sample = tf.randomUniform([1, 6, 6, 2], 0, 1, 'float32', 4);
    tf.tidy(() => assert.deepEqual((again.predict(sample) as tf.Tensor).arraySync(), (model.predict(sample) as tf.Tensor).arraySync()));
    sample.dispose();
  } finally {
    again.dispose();
    model.dispose();
  }
});
