// Training from a Keras file whose top layer TF.js cannot build: with a cut
// below it the model opens up to the cut and trains; the run saves the
// preprocessing the user chose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTraining } from '../../src/engine/runTraining';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { exportKeras } from '../../src/engine/model/keras/exporter';
import type { TrainEvent } from '../../src/shared/events';
import { editConfig } from '../helpers/kerasFiles';
import { cpuBackend, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

test('a Keras model with a custom top layer trains when cut below it', async () => {
  await cpuBackend();
  const base = await loadLayersModelFromDir(await writeBaseModel(join(tempDir('keras-train-model'), 'base')));
  const plain = join(tempDir('keras-train-file'), 'plain.keras');
  await exportKeras(base, plain);
  base.dispose();
  const custom = join(tempDir('keras-train-custom'), 'custom.keras');
  editConfig(plain, custom, (config) => {
    config.config.layers.push({ module: 'my_project.layers', class_name: 'TemperatureScaling', config: { name: 'temperature', t: 2 }, registered_name: 'Custom>TemperatureScaling' });
  });
  const dataDir = await writeDataset(join(tempDir('keras-train-data'), 'bands'), 8);
  const spec = { modelDir: custom, dataDir, runsDir: tempDir('keras-train-runs'), epochs: 1, inputRange: '0,1' as const };

  await assert.rejects(runTraining(spec, { onEvent: () => {}, selectBackend: cpuBackend }), /layer 'temperature' \(TemperatureScaling\) cannot be translated to TF\.js/);

  const events: TrainEvent[] = [];
  const result = await runTraining({ ...spec, cut: 'features' }, { onEvent: (e) => events.push(e), selectBackend: cpuBackend });
  assert.ok(Number.isFinite(result.valAccuracy), 'the run finished with a validation accuracy');
  assert.ok(events.some((e) => e.type === 'log' && e.message === 'Cut at features'));
  assert.deepEqual(JSON.parse(readFileSync(join(result.modelDir, 'preprocessing.json'), 'utf8')).range, { kind: 'unit' });
});
