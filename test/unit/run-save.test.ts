import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { saveModelDir, readLabels } from '../../src/engine/run/saveModel';
import { recoverDirWrite, writeDirAtomicSync } from '../../src/engine/run/atomic';
import { RunDir, timestamp } from '../../src/engine/run/runDir';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { tinyNet } from './train-fixtures';
import { PRE, tempDir } from './run-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

test('a saved model reloads (through the validating loader) and predicts exactly as before', async () => {
  const { full } = tinyNet(9);
  const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 4);
  const before = (full.predict(x) as tf.Tensor).dataSync();
  const dir = join(tempDir('save'), 'model');
  await saveModelDir(full, dir, ['a', 'b', 'c'], { ...PRE, height: 8, width: 8 });
  assert.deepEqual(readdirSync(dir).sort(), ['labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);
  const reloaded = await loadLayersModelFromDir(dir);
  const after = (reloaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(after, before);
  assert.deepEqual(readLabels(dir), ['a', 'b', 'c']);
});

test('writing a folder atomically replaces the old one and leaves no temp folders', () => {
  const parent = tempDir('atomic');
  const target = join(parent, 'model');
  writeDirAtomicSync(target, { 'a.txt': 'one', 'b.bin': new Uint8Array([1, 2]) });
  writeDirAtomicSync(target, { 'a.txt': 'two' });
  assert.deepEqual(readdirSync(parent), ['model']);
  assert.deepEqual(readdirSync(target), ['a.txt']);
});

test('a failed folder write keeps the previous folder and cleans up', () => {
  const parent = tempDir('atomic-fail');
  const target = join(parent, 'model');
  writeDirAtomicSync(target, { 'a.txt': 'one' });
  // A file name that is a path into a missing folder makes the write fail midway.
  assert.throws(() => writeDirAtomicSync(target, { 'ok.txt': 'x', 'missing/dir.txt': 'y' }));
  assert.deepEqual(readdirSync(parent), ['model']);
  assert.deepEqual(readdirSync(target), ['a.txt']);
});

test('recovery after a crash mid-write: temp folders go, a folder moved aside comes back', () => {
  const parent = tempDir('atomic-recover');
  const target = join(parent, 'last');
  writeDirAtomicSync(target, { 'state.json': '{"epoch":2}' });
  // Crash 1: killed while writing the temp folder.
  mkdirSync(join(parent, '.last.tmp-123-abc'));
  writeFileSync(join(parent, '.last.tmp-123-abc', 'state.json'), '{"epo');
  recoverDirWrite(target);
  assert.deepEqual(readdirSync(parent), ['last']);
  // Crash 2: killed after the old folder was moved aside, before the new one was renamed in.
  renameSync(target, join(parent, '.last.old-456-def'));
  mkdirSync(join(parent, '.last.tmp-456-def'));
  recoverDirWrite(target);
  assert.deepEqual(readdirSync(parent), ['last']);
  assert.equal(readFileSync(join(target, 'state.json'), 'utf8'), '{"epoch":2}');
});

test('run folders are named by UTC time and name, never clash, and hold metrics as JSON lines', () => {
  const runs = tempDir('runs');
  const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(timestamp(date), '20260102-030405');
  const a = RunDir.create(runs, 'demo', date);
  const b = RunDir.create(runs, 'demo', date);
  assert.equal(a.dir, join(runs, '20260102-030405-demo'));
  assert.equal(b.dir, join(runs, '20260102-030405-demo-2'));
  a.appendMetrics({ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, lr: 0.001 });
  a.appendMetrics({ epoch: 2, loss: 0.5, accuracy: 0.7, valLoss: 0.8, valAccuracy: 0.6, lr: 0.001 });
  const lines = readFileSync(join(a.dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l: string) => JSON.parse(l));
  assert.deepEqual(lines.map((l: { epoch: number }) => l.epoch), [1, 2]);
});
