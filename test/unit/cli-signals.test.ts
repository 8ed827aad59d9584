// Signals against the real CLI process: SIGINT cancels at a batch boundary
// and still saves; SIGKILL mid-run loses nothing that `--resume` cannot redo.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('sig-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('sig-data'), 'bands'), 16);
});

/** Starts the CLI; `when` sees each stderr line and may send a signal. Resolves with the exit code and stdout. */
function cli(args: string[], when?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      for (const line of d.toString().split('\n')) if (line) when?.(line, child);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const trainArgs = (runs: string, epochs: number) => ['train', '--model', modelDir, '--data', dataDir, '--train', 'top:1', '--epochs', String(epochs), '--batch', '4', '--lr', '0.01', '--seed', '3', '--backend', 'cpu', '--runs', runs, '--json', '--name', 'sig'];

async function finalWeights(dir: string): Promise<Float32Array[]> {
  const m = await loadLayersModelFromDir(dir);
  const w = m.weights.map((v) => v.read().dataSync() as Float32Array);
  m.dispose();
  return w;
}

test('SIGINT stops at a batch boundary, saves the model and still prints the JSON line', async () => {
  let sent = false;
  const r = await cli(trainArgs(tempDir('sig-runs'), 200), (line, child) => {
    if (!sent && line.startsWith('epoch 1/')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(last.stopReason, 'cancelled');
  assert.ok(last.epochs >= 1 && last.epochs < 200);
  assert.ok(readdirSync(last.modelDir).includes('weights.bin'));
});

test('SIGKILL mid-run, then --resume, ends where an uninterrupted run ends', async () => {
  const epochs = 6;
  const whole = await cli(trainArgs(tempDir('sig-runs'), epochs));
  assert.equal(whole.code, 0, whole.stderr);
  const wholeResult = JSON.parse(whole.stdout.trim().split('\n').pop()!);

  const runs = tempDir('sig-runs');
  // The epoch line is printed just before that epoch's checkpoint is written, so
  // the kill lands in the checkpoint write or early in the next epoch.
  const killed = await cli(trainArgs(runs, epochs), (line, child) => {
    if (line.startsWith('epoch 3/')) child.kill('SIGKILL');
  });
  assert.equal(killed.signal, 'SIGKILL');
  const [runName] = readdirSync(runs);
  const resumed = await cli(['train', '--resume', join(runs, runName), '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /Resuming .* after epoch [23]/);
  const result = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
  assert.equal(result.epochs, epochs);
  const [a, b] = [await finalWeights(wholeResult.modelDir), await finalWeights(result.modelDir)];
  let max = 0;
  a.forEach((arr, i) => arr.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
  assert.ok(max < 1e-5, `max abs difference ${max}`);
  assert.deepEqual(readdirSync(join(runs, runName, 'checkpoints')).sort(), ['best', 'last'], 'no temp folders left');
});
