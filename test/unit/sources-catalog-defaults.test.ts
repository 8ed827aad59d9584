// A model pulled from the catalog carries no preprocessing.json, and the
// catalog's chosen cut is not in its files. The engine finds both through the
// cache's manifest.json, so the extension (which passes only the folder) gets
// what the CLI gets: the right input range and resize, and the right cut.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import { findCatalogEntry } from '../../src/engine/sources/catalog';
import { catalogCut, catalogEntryForDir } from '../../src/engine/sources/catalogDefaults';
import { handle } from '../../src/trainer/handlers';
import type { TrainEvent } from '../../src/shared/events';
import type { ModelSummary } from '../../src/shared/summary';
import { artifactsOf, writeModelFolder } from '../helpers/modelFolder';
import { cpuBackend, tempDir, writeDataset } from './run-fixtures';

const ID = 'mobilenet-v1-0.25-224';
const entry = findCatalogEntry(ID)!;

/** MobileNet v1's tail on a 224×224 input: conv_pw_13(_relu) → conv_extra → pooling → classifier. */
function mobilenetTail(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 8, strides: 16, name: 'conv_pw_13', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: 'conv_pw_13_relu' }).apply(x) as tf.SymbolicTensor;
  // A later feature layer, so that auto-detection alone would cut elsewhere.
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'conv_extra', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, activation: 'softmax', name: 'predictions', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

/** A cache entry as `pullModel` leaves it: `<root>/<id>/manifest.json` and `<root>/<id>/model/`. */
async function cachedCatalogModel(catalogId: string | undefined): Promise<string> {
  const entryDir = join(tempDir('catalog-cache'), catalogId ?? 'url-abc');
  const { json, data } = await artifactsOf(mobilenetTail());
  const modelDir = writeModelFolder(join(entryDir, 'model'), json, { 'weights.bin': data });
  writeFileSync(join(entryDir, 'manifest.json'), JSON.stringify({ source: 'https://example.test/model.json', catalogId, format: 'layers' }));
  return modelDir;
}

before(() => tf.setBackend('cpu'));

test('a cached catalog folder names its entry; other folders name none', async () => {
  assert.equal(catalogEntryForDir(await cachedCatalogModel(ID))?.id, ID);
  assert.equal(catalogEntryForDir(await cachedCatalogModel(undefined)), undefined, 'a model pulled by URL');
  assert.equal(catalogEntryForDir(tempDir('plain')), undefined, 'a user folder without a manifest');
});

test('the catalog cut applies only when the model has that layer', async () => {
  const model = mobilenetTail();
  assert.equal(catalogCut(model, await cachedCatalogModel(ID)), 'conv_pw_13_relu');
  assert.equal(catalogCut(model, await cachedCatalogModel(undefined)), undefined);
  const other = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, name: 'only' })] });
  assert.equal(catalogCut(other, await cachedCatalogModel(ID)), undefined);
});

test('the trainer summarizes a catalog model with the catalog cut as its default', async () => {
  const modelDir = await cachedCatalogModel(ID);
  const summary = (await handle({ id: 1, method: 'summarize', params: { modelDir } }, () => undefined)) as ModelSummary;
  assert.equal(summary.defaultCut, 'conv_pw_13_relu');
  // The same model pulled by URL has no catalog entry: auto-detection decides, and it picks a later layer.
  const byUrl = (await handle({ id: 3, method: 'summarize', params: { modelDir: await cachedCatalogModel(undefined) } }, () => undefined)) as ModelSummary;
  assert.notEqual(byUrl.defaultCut, 'conv_pw_13_relu');
});

test('training a catalog model given only its folder uses the catalog preprocessing and cut, and saves that preprocessing', async () => {
  const events: TrainEvent[] = [];
  const result = await runTraining(
    { modelDir: await cachedCatalogModel(ID), dataDir: await writeDataset(join(tempDir('data'), 'bands'), 4), runsDir: tempDir('runs'), epochs: 1, batchSize: 4, validationSplit: 0.25, seed: 1 },
    { onEvent: (e) => events.push(e), selectBackend: cpuBackend },
  );
  const plan = events.find((e) => e.type === 'plan');
  assert.equal(plan?.type === 'plan' && plan.cut, 'conv_pw_13_relu');
  assert.ok(events.some((e) => e.type === 'log' && e.message === "Cut at conv_pw_13_relu (the catalog's default for this model)"));
  const saved = JSON.parse(readFileSync(join(result.modelDir, 'preprocessing.json'), 'utf8'));
  assert.deepEqual(saved, entry.preprocessing);
  assert.equal(saved.resize, 'centerCrop', 'the guess from the input shape would have said stretch');
});
