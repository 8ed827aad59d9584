// Frozen layers verified by checksum: the sums catch a one-bit change, and a
// real run reports every frozen layer verified and none changed (and, before
// training, its warnings).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { frozenChecksums, verifyFrozen } from '../../src/engine/train/frozenCheck';
import { runTraining } from '../../src/engine/runTraining';
import type { TrainEvent } from '../../src/shared/events';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';
import { tinyNet } from './train-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

test('the checksums catch a change of one bit in one weight, and only in that layer', async () => {
  const net = tinyNet(1);
  const layers = net.full.layers.filter((l) => l.weights.length > 0).map((l) => ({ name: l.name, weights: l.weights }));
  const sums = await frozenChecksums(layers);
  assert.deepEqual(await verifyFrozen(sums, layers), { verified: ['conv1', 'conv2', 'ft_head_dense'], changed: [] });
  const bias = net.full.getLayer('conv2').weights[1];
  const values = bias.read().dataSync().slice() as Float32Array;
  new Uint32Array(values.buffer)[0] ^= 1; // the lowest mantissa bit
  bias.write(tf.tensor(values, bias.shape as number[]));
  assert.deepEqual(await verifyFrozen(sums, layers), { verified: ['conv1', 'ft_head_dense'], changed: ['conv2'] });
});

test('a run verifies that every layer that trains in no phase came out bit-identical', async () => {
  const modelDir = await writeBaseModel(join(tempDir('frozen-model'), 'base'));
  const dataDir = await writeDataset(join(tempDir('frozen-data'), 'bands'));
  const events: TrainEvent[] = [];
  await runTraining(
    { modelDir, dataDir, runsDir: tempDir('frozen-runs'), preprocessing: PRE, train: 'top:1', epochs: 2, batchSize: 8, learningRate: 0.05, validationSplit: 0.25 },
    { onEvent: (e) => events.push(e), selectBackend: cpuBackend },
  );
  const plan = events.find((e) => e.type === 'plan');
  const frozen = events.find((e) => e.type === 'frozen');
  assert.ok(plan?.type === 'plan' && frozen?.type === 'frozen');
  assert.deepEqual(frozen.changed, []);
  assert.ok(frozen.verified.length > 0);
  for (const name of frozen.verified) assert.ok(!plan.trainableLayers.includes(name), `${name} trains, so it is not frozen`);
  const doneAt = events.findIndex((e) => e.type === 'done');
  // The same run's warnings, from the real model and dataset: top:1 unfreezes a convolution at lr 0.05 with
  // 9 training images per class, and validates on 9 images; 12×12 greyscale PNGs into a 12×12×1 model raise nothing.
  const warnings = events.find((e) => e.type === 'warnings');
  assert.ok(warnings?.type === 'warnings');
  assert.deepEqual(warnings.items.map((w) => w.id), ['learningRateHigh', 'fewImagesWideTraining', 'smallValidation']);
  assert.ok(events.indexOf(warnings) < events.findIndex((e) => e.type === 'epoch'), 'warned before training');
  assert.ok(events.indexOf(frozen) < doneAt, 'verified before the run reports done');
  // The run's folder is named right after setup, so the host can put the warnings on its spec.json.
  const folder = events.find((e) => e.type === 'runFolder');
  const done = events[doneAt];
  assert.ok(folder?.type === 'runFolder' && done?.type === 'done');
  assert.equal(folder.dir, done.result.runDir);
  assert.ok(existsSync(join(folder.dir, 'spec.json')));
  assert.ok(events.indexOf(warnings) < events.indexOf(folder), 'the warnings come first, the folder right after setup');
});
