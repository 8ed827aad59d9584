// The Keras importer against two real Keras files (../shared/fixtures/keras,
// saved by Keras 2.0.5 and Keras 3.5.0, with outputs from an independent
// float64 numpy forward pass), plus nested models and the export round trip.
//
// The fixtures are read from ../shared beside the repository (CI has it there,
// read-only) rather than copied in: they are third-party files whose
// provenance and licence live in that folder's README, and DESIGN.md keeps
// binary fixtures out of the repository.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { tf } from '../../src/engine/tf';
import { importKerasModel } from '../../src/engine/model/keras/importer';
import { exportKeras } from '../../src/engine/model/keras/exporter';
import { h5 } from '../../src/engine/model/keras/hdf5';

const FIXTURES = resolve('../shared/fixtures/keras');
let dir: string;

before(() => {
  assert.ok(existsSync(FIXTURES), `the Keras fixtures are read from ${FIXTURES} (../shared beside the repository)`);
  dir = mkdtempSync(join(tmpdir(), 'ft-keras-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  inputShape: number[];
  inputs: number[][];
  outputs: number[][];
}

function predictAll(model: tf.LayersModel, inputs: number[][], shape: number[]): number[][] {
  return tf.tidy(() => inputs.map((x) => Array.from((model.predict(tf.tensor(x, [1, ...shape])) as tf.Tensor).dataSync())));
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i].length);
    row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]))));
  });
  return worst;
}

for (const [file, expected] of [
  ['digits_mlp.keras', 'digits_mlp.expected.json'],
  ['tiny_XCEPTION_KDEF.hdf5', 'tiny_XCEPTION_KDEF.expected.json'],
]) {
  test(`${file} reproduces the reference outputs to 1e-5, and survives an export round trip`, async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURES, expected), 'utf8')) as Expected;
    const before = tf.memory().numTensors;
    const { model } = await importKerasModel(join(FIXTURES, file));
    try {
      assert.deepEqual(model.inputs[0].shape.slice(1), ref.inputShape);
      const got = predictAll(model, ref.inputs, ref.inputShape);
      const diff = maxAbsDiff(got, ref.outputs.map((o) => o.flat(3)));
      assert.ok(diff < 1e-5, `max |difference| ${diff}`);

      const out = join(dir, file.replace(/\.\w+$/, '.roundtrip.keras'));
      await exportKeras(model, out);
      const again = await importKerasModel(out);
      try {
        const diff2 = maxAbsDiff(predictAll(again.model, ref.inputs, ref.inputShape), got);
        assert.equal(diff2, 0, `round trip changed predictions by ${diff2}`);
      } finally {
        again.model.dispose();
      }
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  });
}

/** A small MobileNetV2-like functional model (conv, BN, ReLU6, depthwise, residual add, pooling). */
function mobileNetLike(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'Conv1' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_Conv1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }).apply(x) as tf.SymbolicTensor;
  const branch = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'expanded_conv_depthwise' }).apply(x) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'expanded_conv_depthwise_BN' }).apply(branch) as tf.SymbolicTensor;
  x = tf.layers.add({ name: 'block_add' }).apply([x, bn]) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'mobilenetv2_1.00_8' });
}

/** Random weights, with BN variances kept positive. */
function randomize(model: tf.LayersModel): void {
  for (const w of model.weights) w.write(tf.tidy(() => (w.name.includes('variance') ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 7) : tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 3))));
}

test('a Sequential wrapping a functional MobileNetV2-like model exports in the Keras 3 layout and imports back identically', async () => {
  const inner = mobileNetLike();
  const outer = tf.sequential({ name: 'sequential', layers: [inner, tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense' })] });
  randomize(outer);
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 1);
  const want = (outer.predict(x) as tf.Tensor).arraySync() as number[][];
  const path = join(dir, 'nested.keras');
  await exportKeras(outer, path);

  // The layout Keras 3 reads: class-named paths, nested models under their own layers/.
  const files = unzipSync(readFileSync(path));
  assert.deepEqual(Object.keys(files).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
  const config = JSON.parse(strFromU8(files['config.json']));
  assert.equal(config.class_name, 'Sequential');
  assert.equal(config.config.layers[0].class_name, 'InputLayer');
  assert.deepEqual(config.config.layers[0].config.batch_shape, [null, 8, 8, 3]);
  assert.equal(config.config.layers[1].class_name, 'Functional');
  const add = config.config.layers[1].config.layers.find((l: { name: string }) => l.name === 'block_add');
  assert.equal(add.inbound_nodes[0].args[0].length, 2, 'a merge layer gets its inputs as one list argument');
  assert.equal(add.inbound_nodes[0].args[0][0].class_name, '__keras_tensor__');
  const { File } = await h5();
  const weightsPath = join(dir, 'nested.weights.h5');
  (await import('node:fs')).writeFileSync(weightsPath, files['model.weights.h5']);
  const f = new File(weightsPath, 'r');
  try {
    assert.deepEqual((f.get('layers/functional/layers/conv2d/vars/0') as { shape: number[] }).shape, [3, 3, 3, 4]);
    assert.deepEqual((f.get('layers/functional/layers/batch_normalization_1/vars/3') as { shape: number[] }).shape, [4]);
    assert.deepEqual((f.get('layers/functional/layers/depthwise_conv2d/vars/0') as { shape: number[] }).shape, [3, 3, 4, 1]);
    assert.deepEqual((f.get('layers/dense/vars/0') as { shape: number[] }).shape, [4, 3]);
  } finally {
    f.close();
  }

  const { model } = await importKerasModel(path);
  try {
    const got = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    assert.equal(maxAbsDiff(got, want), 0);
    assert.equal(model.layers.find((l) => l instanceof tf.LayersModel)?.name, 'mobilenetv2_1.00_8', 'the nested model stays nested');
  } finally {
    model.dispose();
    outer.dispose();
    x.dispose();
  }
});

/**
 * A legacy Keras 2 HDF5 model, laid out as Keras 2's save_model_to_hdf5 does:
 * model_config, then model_weights/<layer> with weight_names. A nested model's
 * group lists all its trainable weights, then all non-trainable ones, each as
 * '<inner layer>/<weight>:0' (Keras 2's layer.weights order for a Model).
 */
async function writeKeras2(model: tf.LayersModel, path: string): Promise<void> {
  const { File } = await h5();
  const f = new File(path, 'w', { libver: ['earliest', 'v110'] });
  try {
    f.create_attribute('keras_version', '2.13.1');
    f.create_attribute('backend', 'tensorflow');
    f.create_attribute('model_config', JSON.stringify(model.toJSON(null, false)));
    const root = f.create_group('model_weights');
    root.create_attribute('layer_names', model.layers.map((l) => l.name));
    for (const layer of model.layers) {
      const group = root.create_group(layer.name);
      const weights = layer instanceof tf.LayersModel ? [...layer.trainableWeights, ...layer.nonTrainableWeights] : layer.weights;
      if (weights.length === 0) continue;
      const names = weights.map((w) => `${w.originalName}:0`);
      group.create_attribute('weight_names', names);
      weights.forEach((w, i) => {
        const parts = names[i].split('/');
        let g = group;
        for (const p of parts.slice(0, -1)) g = (g.get(p) as typeof g | null) ?? g.create_group(p);
        g.create_dataset({ name: parts[parts.length - 1], data: w.read().dataSync() as Float32Array, shape: w.shape as number[], dtype: '<f' });
      });
    }
  } finally {
    f.close();
  }
}

test('a legacy Keras 2 .h5 with a Sequential wrapping a functional MobileNetV2-like model imports identically', async () => {
  const inner = mobileNetLike();
  const outer = tf.sequential({ name: 'sequential_1', layers: [inner, tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense_1' })] });
  randomize(outer);
  const path = join(dir, 'nested.h5');
  await writeKeras2(outer, path);
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 2);
  const { model } = await importKerasModel(path);
  try {
    assert.equal(maxAbsDiff((model.predict(x) as tf.Tensor).arraySync() as number[][], (outer.predict(x) as tf.Tensor).arraySync() as number[][]), 0);
  } finally {
    model.dispose();
    outer.dispose();
    x.dispose();
  }
});

test('a real MobileNetV2 (nsfwjs: 162 layers, 2.6M params) wrapped in a Sequential round-trips through .keras with identical predictions', async () => {
  await tf.setBackend('cpu');
  const { loadLayersModelFromDir } = await import('../../src/engine/model/load');
  const { fixtureDir } = await import('../helpers/nsfwjsFixtures');
  const { inferKerasInputRange } = await import('../../src/engine/model/keras/preprocessing');
  const mobilenet = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  // Keras names a stock MobileNetV2 this way; the importer then infers its [-1, 1] input.
  const inner = tf.model({ inputs: mobilenet.inputs, outputs: mobilenet.outputs, name: 'mobilenetv2_1.00_224' });
  const outer = tf.sequential({ name: 'classifier', layers: [inner] });
  const path = join(dir, 'mobilenet.keras');
  await exportKeras(outer, path);
  const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 9);
  const { model } = await importKerasModel(path);
  try {
    const [want, got] = tf.tidy(() => [(outer.predict(x) as tf.Tensor).arraySync() as number[][], (model.predict(x) as tf.Tensor).arraySync() as number[][]]);
    assert.equal(maxAbsDiff(got, want), 0);
    assert.equal(model.countParams(), outer.countParams());
    assert.deepEqual(inferKerasInputRange(model), { range: '-1,1', because: "the keras.applications architecture 'mobilenetv2_1.00_224'" });
  } finally {
    model.dispose();
    mobilenet.dispose();
    x.dispose();
  }
});
