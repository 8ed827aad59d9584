// The CLI as a user meets it: bad input gives one clear line on stderr and a
// non-zero exit; --json output ends with a parseable line.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
let oneClass = '';

before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('cli-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('cli-data'), 'bands'), 8);
  oneClass = await writeDataset(join(tempDir('cli-one'), 'single'), 4, ['only']);
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 120_000 });
  // tfjs prints a banner about tfjs-node on stdout; it is not ours to judge.
  const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '');
  return { code: r.status, stdout: r.stdout, stderr };
}

function assertOneLineError(r: ReturnType<typeof cli>, pattern: RegExp) {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr.join(' | ')}`);
  assert.equal(r.stderr.length, 1, `one line, got: ${r.stderr.join(' | ')}`);
  assert.match(r.stderr[0], /^finetune: /);
  assert.match(r.stderr[0], pattern);
}

test('usage errors: unknown command, unknown flag, missing required flag', () => {
  assertOneLineError(cli('frobnicate'), /unknown command "frobnicate"/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', dataDir, '--bogus'), /bogus/);
  assertOneLineError(cli('train', '--model', modelDir), /--data is required/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', dataDir, '--epochs', 'many'), /--epochs expects a number/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', dataDir, '--threads', '0'), /invalid training spec: threads: /);
});

test('a missing model folder, an unreadable model and a missing data folder', () => {
  assertOneLineError(cli('train', '--model', '/nonexistent/model', '--data', dataDir, '--backend', 'cpu'), /nonexistent/);
  const broken = join(tempDir('cli-broken'), 'm');
  mkdirSync(broken);
  writeFileSync(join(broken, 'model.json'), '{ not json');
  assertOneLineError(cli('summary', '--model', broken), /model\.json/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', '/nonexistent/data', '--backend', 'cpu'), /nonexistent/);
});

test('one class only and an unknown layer name', () => {
  assertOneLineError(cli('train', '--model', modelDir, '--data', oneClass, '--backend', 'cpu', '--runs', tempDir('cli-runs')), /class/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', dataDir, '--cut', 'nope', '--backend', 'cpu', '--runs', tempDir('cli-runs')), /unknown cut layer 'nope'/);
  assertOneLineError(cli('train', '--model', modelDir, '--data', dataDir, '--train', 'conv1,convv2', '--backend', 'cpu', '--runs', tempDir('cli-runs')), /convv2/);
});

test('train --json ends with a JSON line; summary and classify --json parse', () => {
  const runs = tempDir('cli-runs');
  const r = cli('train', '--model', modelDir, '--data', dataDir, '--epochs', '2', '--batch', '8', '--backend', 'cpu', '--runs', runs, '--json', '--validation-split', '0.25');
  assert.equal(r.code, 0, r.stderr.join('\n'));
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const key of ['valAccuracy', 'runDir', 'modelDir', 'backend', 'epochs']) assert.ok(key in last, key);
  assert.equal(last.epochs, 2);
  assert.equal(last.backend, 'cpu');
  assert.ok(r.stderr.some((l) => /^Backend: cpu/.test(l)), 'the backend is printed');
  assert.ok(r.stderr.some((l) => /^Cut at /.test(l)), 'the cut is printed');

  const s = cli('summary', '--model', modelDir, '--json');
  assert.equal(s.code, 0, s.stderr.join('\n'));
  const summary = JSON.parse(s.stdout.trim().split('\n').pop()!);
  assert.equal(summary.layers.length > 0, true);
  assert.equal(typeof summary.totalParams, 'number');

  const c = cli('classify', '--model', last.modelDir, join(dataDir, 'top', '0.png'), '--top', '2', '--json');
  assert.equal(c.code, 0, c.stderr.join('\n'));
  const classified = JSON.parse(c.stdout.trim().split('\n').pop()!);
  assert.equal(classified[0].top.length, 2);
});

test('lr-find: bad flags are one-line errors; --json prints the series and --out writes the same', () => {
  assertOneLineError(cli('lr-find', '--model', modelDir), /--data is required/);
  assertOneLineError(cli('lr-find', '--model', modelDir, '--data', dataDir, '--batches', '2'), /--batches 2: expected a whole number from 5 to 10000/);
  assertOneLineError(cli('lr-find', '--model', modelDir, '--data', dataDir, '--train', 'top:x'), /expected top:K/);
  const out = join(tempDir('cli-lrfind'), 'sweep.json');
  const r = cli('lr-find', '--model', modelDir, '--data', dataDir, '--batch', '4', '--batches', '20', '--backend', 'cpu', '--json', '--out', out);
  assert.equal(r.code, 0, r.stderr.join('\n'));
  const lines = r.stdout.trim().split('\n');
  const series = JSON.parse(lines[lines.length - 1]);
  assert.ok(series.points.length > 0 && series.points.length <= 20);
  assert.ok(series.points.every((p: { lr: number; loss: number; smoothedLoss: number }) => p.lr > 0 && Number.isFinite(p.loss) && Number.isFinite(p.smoothedLoss)));
  assert.ok(['diverged', 'completed'].includes(series.end));
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), series);
  assert.ok(r.stderr.some((l) => /^LR finder: \d+ batches from 1\.0e-7/.test(l)), 'the summary goes to stderr under --json');
});
