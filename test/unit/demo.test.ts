// The embedded default: the committed model and dataset are what demoSpec
// points at, and they have the shape the demo relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TrainSpecSchema } from '../../src/shared/trainSpec';
import { PreprocessingSchema } from '../../src/shared/preprocessing';
import { DEMO_PREPROCESSING, demoPaths, demoSpec } from '../../src/engine/demo';
import { scanDataset } from '../../src/engine/data/dataset';

const media = resolve('media');

test('demoPaths and demoSpec point at media/demo and form a valid spec', () => {
  assert.deepEqual(demoPaths('/x/media'), { modelDir: join('/x/media', 'demo', 'model'), dataDir: join('/x/media', 'demo', 'dataset') });
  const spec = TrainSpecSchema.parse(demoSpec(media, '/tmp/runs'));
  assert.equal(spec.runsDir, '/tmp/runs');
  assert.equal(spec.train, 'top:1', 'only dense1 (the layer at the cut) and the head train; the convolutions stay frozen');
  assert.equal(spec.cut, 'dense1');
  assert.equal(spec.augment, false);
});

test('the committed model has the documented layers, weights and preprocessing', () => {
  const { modelDir } = demoPaths(media);
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const layers = json.modelTopology.config.layers.map((l: { config: { name: string } }) => l.config.name);
  assert.deepEqual(layers, ['conv1', 'conv2', 'pool', 'dropout1', 'flatten', 'dense1', 'dropout2', 'predictions']);
  assert.ok(layers.includes(demoSpec(media, '/r').cut ?? 'missing'));
  const bytes = json.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(statSync(join(modelDir, 'weights.bin')).size, bytes);
  const pre = PreprocessingSchema.parse(JSON.parse(readFileSync(join(modelDir, 'preprocessing.json'), 'utf8')));
  assert.deepEqual(pre, DEMO_PREPROCESSING);
  assert.deepEqual(JSON.parse(readFileSync(join(modelDir, 'labels.json'), 'utf8')), ['0', '1', '2', '3', '4']);
});

test('the committed dataset: digits 5–9, 200 train and 100 validation each, nothing skipped', async () => {
  const ds = await scanDataset(demoPaths(media).dataDir, { validationSplit: 0.2, seed: 42 });
  assert.deepEqual(ds.classes, ['5', '6', '7', '8', '9']);
  assert.deepEqual(ds.health.classes.map((c) => [c.train, c.validation]), Array(5).fill([200, 100]));
  assert.deepEqual(ds.health.skipped, []);
  assert.equal(ds.health.layout, 'splitFolders');
});
