// Teachable Machine image exports: the default cut with their exact topology
// (built from the nsfwjs MobileNetV2 as Teachable Machine builds its own), the
// metadata reader, their preprocessing, and the model card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir, ModelFileError } from '../../src/engine/model/load';
import { attachHead, findDefaultCut, HEAD_PREFIX } from '../../src/engine/model/transfer';
import { leafLayers } from '../../src/engine/model/graph';
import { summarizeModel } from '../../src/engine/model/summary';
import { declaredPreprocessing, readModelLabels, withFolderLabels } from '../../src/engine/model/folderFacts';
import { readTeachableMachineMetadata, teachableMachinePreprocessing } from '../../src/engine/model/teachableMachine';
import { decodeImageFile } from '../../src/engine/data/decode';
import { modelCardText } from '../../src/shared/modelCard';
import { fixtureDir } from '../helpers/nsfwjsFixtures';
import { teachableMachineMetadata, teachableMachineModel, writeTeachableMachineExport, writeTinyTeachableMachineExport } from '../helpers/teachableMachine';
import { tempDir } from './run-fixtures';

const LABELS = ['diseased leaves', 'healthy leaves'];

test('a Teachable Machine export of MobileNetV2 (out_relu → pool → Sequential head) cuts so that the new head gets 1280 features', async () => {
  await tf.setBackend('cpu');
  const mobilenet = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const dir = await writeTeachableMachineExport(join(tempDir('tm-mnv2'), 'my_model'), teachableMachineModel(mobilenet, 'out_relu', 2), LABELS);
  mobilenet.dispose();
  assert.deepEqual(readdirSync(dir).sort(), ['metadata.json', 'model.json', 'weights.bin']);

  const exported = await loadLayersModelFromDir(dir);
  assert.deepEqual(exported.layers.map((l) => l.getClassName()), ['Sequential', 'Sequential'], "Teachable Machine's two nested Sequentials");
  const cut = findDefaultCut(exported);
  assert.equal(leafLayers(exported).find((l) => l.layer.name === cut)?.layer.getClassName(), 'GlobalAveragePooling2D');
  const headLeaves = leafLayers(exported.layers[1] as tf.LayersModel).map((l) => l.layer.name);
  assert.ok(!headLeaves.includes(cut), `the cut ${cut} is not in the original classifier (${headLeaves.join(', ')})`);

  const model = attachHead(exported, { cut, numClasses: 5, dropout: 0.2, seed: 1 });
  const kernel = model.getLayer(`${HEAD_PREFIX}dense`).getWeights()[0];
  assert.deepEqual(kernel.shape, [1280, 5], 'the new head learns from the 1280 pooled features, not the two class probabilities');
  assert.ok(!model.layers.some((l) => l.name === `${HEAD_PREFIX}pool`), 'the cut is already a feature vector: no extra pooling');
  // The head's input is exactly what the export's own feature Sequential computes.
  const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 7);
  const features = tf.model({ inputs: model.inputs, outputs: model.getLayer(`${HEAD_PREFIX}dropout`).input as tf.SymbolicTensor });
  const ours = (features.predict(x) as tf.Tensor).dataSync();
  const theirs = (exported.layers[0].apply(x) as tf.Tensor).dataSync();
  assert.equal(ours.length, 1280);
  assert.ok(ours.every((v, i) => Math.abs(v - theirs[i]) < 1e-4));

  const summary = withFolderLabels(summarizeModel(exported), dir);
  assert.equal(summary.defaultCut, cut);
  assert.deepEqual(summary.labels, { names: LABELS, from: 'teachable-machine' });
  assert.equal(modelCardText(summary.labels), 'Teachable Machine image model (2 classes: diseased leaves, healthy leaves)');
  exported.dispose();
});

test('nested Keras-style models: a base with its own classifier is cut inside; a feature base is cut at its output; flat models as before', () => {
  const base = (name: string, withTop: boolean) => {
    const input = tf.input({ shape: [8, 8, 3] });
    let x = tf.layers.conv2d({ filters: 6, kernelSize: 3, name: `${name}_conv` }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tf.SymbolicTensor;
    if (withTop) x = tf.layers.dense({ units: 10, activation: 'softmax', name: `${name}_predictions` }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: x, name });
  };
  // Keras: Sequential([base(include_top=True), Dense(3, softmax)]) → the cut is the base's pooling, inside it.
  const withTop = tf.sequential({ layers: [base('full', true), tf.layers.dense({ units: 3, activation: 'softmax', name: 'outer_dense' })] });
  assert.equal(findDefaultCut(withTop), 'full_gap');
  const headed = attachHead(withTop, { cut: 'full_gap', numClasses: 4, dropout: 0, seed: 1 });
  assert.deepEqual(headed.getLayer(`${HEAD_PREFIX}dense`).getWeights()[0].shape, [6, 4]);
  assert.ok(!leafLayers(headed).some((l) => l.layer.name === 'full_predictions' || l.layer.name === 'outer_dense'), 'the old classifiers are cut off');
  const x = tf.randomUniform([2, 8, 8, 3]);
  const kept = tf.model({ inputs: headed.inputs, outputs: headed.getLayer(`${HEAD_PREFIX}dropout`).input as tf.SymbolicTensor });
  const full = withTop.layers[0] as tf.LayersModel;
  const ref = tf.model({ inputs: full.inputs, outputs: full.getLayer('full_gap').output as tf.SymbolicTensor });
  assert.ok(tf.max(tf.abs(tf.sub(kept.predict(x) as tf.Tensor, ref.predict(x) as tf.Tensor))).dataSync()[0] < 1e-6, 'the truncated base computes what the base computed at the cut');
  // Keras: Sequential([base(include_top=False, pooling='avg'), Dense(3, softmax)]) → the base's output.
  const noTop = tf.sequential({ layers: [base('feat', false), tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' })] });
  assert.equal(findDefaultCut(noTop), 'feat_gap');
  // A nested model that ends in a Dense narrower or wider than the class count is a feature extractor.
  const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4, activation: 'relu', name: 'emb' })] });
  const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' })] });
  assert.equal(findDefaultCut(outer), 'emb');
});

test('metadata.json: read when it is Teachable Machine’s; another tool’s or none is no metadata; malformed is one clear line', () => {
  const dir = tempDir('tm-meta');
  assert.equal(readTeachableMachineMetadata(dir), undefined, 'no metadata.json');
  assert.equal(readModelLabels(dir), undefined);
  const write = (value: unknown) => writeFileSync(join(dir, 'metadata.json'), typeof value === 'string' ? value : JSON.stringify(value));
  write(teachableMachineMetadata(LABELS));
  assert.deepEqual(readTeachableMachineMetadata(dir)?.labels, LABELS);
  assert.deepEqual(readModelLabels(dir), { names: LABELS, from: 'teachable-machine' });
  write({ description: 'written by some other tool', labels: 3 });
  assert.equal(readTeachableMachineMetadata(dir), undefined, 'not Teachable Machine metadata: ignored');

  const oneLine = (value: unknown, pattern: RegExp) => {
    write(value);
    assert.throws(() => readTeachableMachineMetadata(dir), (e: unknown) => {
      assert.ok(e instanceof ModelFileError);
      assert.ok(!e.message.includes('\n'), e.message);
      assert.match(e.message, pattern);
      assert.ok(e.message.startsWith(join(dir, 'metadata.json')), 'names the file');
      return true;
    });
  };
  oneLine('{"packageName": "@teachablemachine/image", "labels": [', /metadata\.json: is not valid JSON/);
  oneLine({ ...teachableMachineMetadata(LABELS), labels: undefined }, /metadata\.json: is not valid Teachable Machine metadata: labels: Invalid input: expected array, received undefined/);
  oneLine({ ...teachableMachineMetadata(LABELS), labels: ['ok', 7] }, /is not valid Teachable Machine metadata: labels\.1: Invalid input: expected string, received number/);
  oneLine({ ...teachableMachineMetadata(LABELS), imageSize: -3 }, /imageSize: Too small: expected number to be >=1/);
  assert.throws(() => declaredPreprocessing(dir), /imageSize/, 'training on a malformed export stops with the same line');
  assert.deepEqual(readdirSync(dir), ['metadata.json'], 'nothing was written or removed');
});

test('Teachable Machine preprocessing: centre crop of the short side, then x/127 − 1, saved as plain preprocessing', async () => {
  const pre = teachableMachinePreprocessing({ packageName: '@teachablemachine/image', labels: LABELS });
  assert.deepEqual(pre, { height: 224, width: 224, channels: 3, channelOrder: 'rgb', range: { kind: 'meanStd', mean: [127 / 255], std: [127 / 255] }, resize: 'centerCrop' });
  assert.equal(teachableMachinePreprocessing({ packageName: '@teachablemachine/image', labels: LABELS, grayscale: true }).channels, 1, 'a greyscale project feeds one channel');
  // 672×224: three 224-wide vertical bands (0, 127, 254); the centre crop keeps only the middle one.
  const dir = tempDir('tm-pre');
  const width = 672;
  const px = Buffer.alloc(width * 224 * 3);
  for (let y = 0; y < 224; y++) for (let x = 0; x < width; x++) px.fill([0, 127, 254][Math.floor(x / 224)], (y * width + x) * 3, (y * width + x) * 3 + 3);
  const file = join(dir, 'bands.png');
  await sharp(px, { raw: { width, height: 224, channels: 3 } }).png().toFile(file);
  const values = await decodeImageFile(file, pre);
  assert.equal(values.length, 224 * 224 * 3);
  assert.ok(values.every((v) => Math.abs(v) < 1e-6), 'only the middle band (127 → 0) survives the crop');
  const white = join(dir, 'white.png');
  await sharp({ create: { width: 30, height: 40, channels: 3, background: { r: 255, g: 254, b: 0 } } }).png().toFile(white);
  const w = await decodeImageFile(white, pre);
  assert.ok(Math.abs(w[0] - (255 / 127 - 1)) < 1e-6 && Math.abs(w[1] - 1) < 1e-6 && Math.abs(w[2] + 1) < 1e-6, `x/127 − 1, as capture() computes: ${w.slice(0, 3)}`);
});

test('a Teachable Machine export declares its preprocessing; the folder’s own preprocessing.json still wins', async () => {
  const dir = await writeTinyTeachableMachineExport(join(tempDir('tm-declared'), 'my_model'));
  const pre = declaredPreprocessing(dir);
  assert.equal(pre?.resize, 'centerCrop');
  assert.deepEqual(pre?.range, { kind: 'meanStd', mean: [127 / 255], std: [127 / 255] });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'preprocessing.json'), JSON.stringify({ ...pre, range: { kind: 'unit' } }));
  assert.deepEqual(declaredPreprocessing(dir)?.range, { kind: 'unit' });
});

test('model card text: kind, class count and the first names', () => {
  assert.equal(modelCardText(undefined), null);
  assert.equal(modelCardText({ names: ['cat'], from: 'labels.json' }), 'Image classifier (1 class: cat)');
  const many = Array.from({ length: 1000 }, (_, i) => `c${i}`);
  assert.equal(modelCardText({ names: many, from: 'teachable-machine' }), 'Teachable Machine image model (1,000 classes: c0, c1, c2, c3, c4, … and 995 more)');
});
