// Preprocessing for imported Keras models: known keras.applications
// architectures (nested too), else a Rescaling layer at the input, else ask;
// and the --input-range presets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { inferKerasInputRange, kerasPreprocessing } from '../../src/engine/model/keras/preprocessing';
import { ModelFileError } from '../../src/engine/model/modelFileError';
import { withInputRange, type Preprocessing } from '../../src/shared/preprocessing';

function functional(name: string, first?: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const start = first ? (first.apply(input) as tf.SymbolicTensor) : input;
  const out = tf.layers.globalAveragePooling2d({}).apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(start)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}

test('a keras.applications architecture is recognised by its model name, also nested in a Sequential', () => {
  const inner = functional('mobilenetv2_1.00_224');
  const outer = tf.sequential({ name: 'sequential', layers: [inner, tf.layers.dense({ units: 2 })] });
  assert.deepEqual(inferKerasInputRange(outer), { range: '-1,1', because: "the keras.applications architecture 'mobilenetv2_1.00_224'" });
  outer.dispose();
  for (const [name, range] of [['resnet50', 'caffe'], ['vgg16', 'caffe'], ['resnet50v2', '-1,1'], ['densenet121', 'torch'], ['inception_v3', '-1,1'], ['xception', '-1,1']]) {
    const model = functional(name);
    assert.equal(inferKerasInputRange(model)?.range, range, name);
    model.dispose();
  }
});

test('otherwise a Rescaling layer at the input means the model takes raw 0-255 pixels', () => {
  const model = functional('my_classifier', tf.layers.rescaling({ scale: 1 / 255, name: 'rescale' }));
  assert.deepEqual(inferKerasInputRange(model), { range: '0,255', because: "the Rescaling layer 'rescale' at its input" });
  const log: string[] = [];
  const pre = kerasPreprocessing(model, 'm.keras', undefined, (l) => log.push(l));
  assert.deepEqual(pre, { height: 8, width: 8, channels: 3, channelOrder: 'rgb', range: { kind: 'raw' }, resize: 'stretch' });
  assert.deepEqual(log, ["Input range 0,255, inferred from the Rescaling layer 'rescale' at its input"]);
  model.dispose();
});

test('otherwise the user is asked in one line, and their choice wins over any inference', () => {
  const model = functional('my_classifier');
  assert.equal(inferKerasInputRange(model), undefined);
  assert.throws(
    () => kerasPreprocessing(model, 'm.keras', undefined, () => {}),
    (e: unknown) => e instanceof ModelFileError && e.message === 'm.keras: carries no preprocessing, and its input range cannot be inferred (no known keras.applications architecture, no Rescaling layer); choose it: --input-range 0,1|-1,1|0,255|caffe|torch (dashboard: Input range)',
  );
  assert.deepEqual(kerasPreprocessing(model, 'm.keras', 'torch', () => {}).range, { kind: 'meanStd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  model.dispose();
});

test('input-range presets: caffe is BGR minus the ImageNet means in 0-255', () => {
  const base: Preprocessing = { height: 4, width: 4, channels: 3, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'stretch' };
  assert.equal(withInputRange(base, undefined), base);
  assert.deepEqual(withInputRange(base, '-1,1').range, { kind: 'symmetric' });
  assert.deepEqual(withInputRange(base, '0,255').range, { kind: 'raw' });
  const caffe = withInputRange(base, 'caffe');
  assert.equal(caffe.channelOrder, 'bgr');
  assert.equal(caffe.range.kind, 'meanStd');
  if (caffe.range.kind !== 'meanStd') return;
  // A pixel of 200 in the blue channel becomes 200 - 103.939.
  assert.ok(Math.abs((200 / 255 - caffe.range.mean[0]) / caffe.range.std[0] - (200 - 103.939)) < 1e-9);
});
