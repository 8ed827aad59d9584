// A Keras file through the CLI, as a user meets it: summary, train (asked for
// the input range, then given it), and export of the run back to .keras, whose
// re-import predicts what the run's own model predicts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { importKerasModel } from '../../src/engine/model/keras/importer';
import { exportKeras } from '../../src/engine/model/keras/exporter';
import { PX, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let kerasFile = '';
let dataDir = '';
let runsDir = '';

before(async () => {
  await tf.setBackend('cpu');
  // A small CNN saved as Keras 3: its name matches no keras.applications model, and it has no Rescaling layer.
  const base = await loadLayersModelFromDir(await writeBaseModel(join(tempDir('keras-cli-model'), 'base')));
  kerasFile = join(tempDir('keras-cli-file'), 'bands.keras');
  await exportKeras(base, kerasFile);
  base.dispose();
  dataDir = await writeDataset(join(tempDir('keras-cli-data'), 'bands'), 8);
  runsDir = tempDir('keras-cli-runs');
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

test('finetune summary --model on a legacy Keras 2 .hdf5 file', () => {
  const r = cli('summary', '--model', resolve('../shared/fixtures/keras/tiny_XCEPTION_KDEF.hdf5'));
  assert.equal(r.code, 0, r.stderr.join(' | '));
  assert.match(r.stdout, /Total params: 18,314/);
  assert.match(r.stdout, /Default cut: global_average_pooling2d_1/);
});

test('train asks for the input range of a Keras model it cannot infer, then trains with --input-range, and the run exports back to .keras', async () => {
  const asked = cli('train', '--model', kerasFile, '--data', dataDir, '--runs', runsDir, '--epochs', '1', '--backend', 'cpu');
  assert.equal(asked.code, 2);
  assert.equal(asked.stderr.length, 1, asked.stderr.join(' | '));
  assert.equal(asked.stderr[0], `finetune: ${kerasFile}: carries no preprocessing, and its input range cannot be inferred (no known keras.applications architecture, no Rescaling layer); choose it: --input-range 0,1|-1,1|0,255|caffe|torch (dashboard: Input range)`);

  const bad = cli('train', '--model', kerasFile, '--data', dataDir, '--input-range', '0,2');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.join('\n'), /^finetune: --input-range 0,2: expected 0,1, -1,1, 0,255, caffe, torch$/m);

  const trained = cli('train', '--model', kerasFile, '--data', dataDir, '--runs', runsDir, '--epochs', '1', '--backend', 'cpu', '--input-range', '0,255', '--name', 'keras');
  assert.equal(trained.code, 0, trained.stderr.join(' | '));
  const runDir = join(runsDir, readdirSync(runsDir).find((d) => d.endsWith('keras'))!);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')).inputRange, '0,255', 'the choice is saved with the run');
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'model', 'preprocessing.json'), 'utf8')).range, { kind: 'raw' });

  const exported = cli('export', '--format', 'keras', runDir, '--json');
  assert.equal(exported.code, 0, exported.stderr.join(' | '));
  const file = JSON.parse(exported.stdout).written as string;
  assert.equal(file, join(runDir, 'model.keras'));
  assert.ok(existsSync(file));

  const original = await loadLayersModelFromDir(join(runDir, 'model'));
  const { model } = await importKerasModel(file);
  try {
    const x = tf.randomUniform([4, PX, PX, 1], 0, 255, 'float32', 5);
    const want = original.predict(x) as tf.Tensor;
    const got = model.predict(x) as tf.Tensor;
    assert.deepEqual(got.arraySync(), want.arraySync(), 'the exported model predicts exactly what the run saved');
    tf.dispose([x, want, got]);
  } finally {
    original.dispose();
    model.dispose();
  }

  const unknown = cli('export', '--format', 'onnx', runDir);
  assert.equal(unknown.code, 2);
  assert.deepEqual(unknown.stderr, ['finetune: --format onnx: unknown format (known: teachable-machine, keras)']);
  const notRun = cli('export', '--format', 'keras', dataDir);
  assert.deepEqual(notRun.stderr, [`finetune: ${dataDir}: is not a run folder (no spec.json)`]);
});
