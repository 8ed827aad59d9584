// Whole runs on webgpu, forced by name on this machine's adapter (llvmpipe on
// CI): the demo reaches its accuracy, a killed run resumes, and GPU faults
// stop the run with one clear line while the last checkpoint stays usable.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../../src/engine/tf';
import { resumeTraining, runTraining } from '../../src/engine/runTraining';
import { demoSpec } from '../../src/engine/demo';
import type { TrainEvent } from '../../src/shared/events';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';
import { forceWebgpu, webgpuOrSkip } from './webgpu-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('gpu-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('gpu-data'), 'bands'));
});

const spec = (runsDir: string, epochs = 4): TrainSpecInput => ({
  modelDir, dataDir, runsDir, preprocessing: PRE, train: 'top:1', epochs, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, seed: 5, backend: 'webgpu',
});

/** The device tfjs' webgpu backend is using now. */
function device(): { destroy(): void; dispatchEvent(e: unknown): boolean } {
  return (tf.backend() as unknown as { device: { destroy(): void; dispatchEvent(e: unknown): boolean } }).device;
}

function lastCheckpointEpoch(runDir: string): number {
  return JSON.parse(readFileSync(join(runDir, 'checkpoints', 'last', 'state.json'), 'utf8')).epoch;
}

/** Runs `spec` until `fault` fires after the epoch-1 checkpoint; returns the rejection and the run folder. */
async function faultedRun(fault: () => void): Promise<{ error: Error; runDir: string; events: TrainEvent[] }> {
  const runs = tempDir('gpu-runs');
  const events: TrainEvent[] = [];
  const error = await runTraining(spec(runs), { onEvent: (e) => events.push(e), selectBackend: forceWebgpu, onCheckpoint: (epoch) => epoch === 1 && fault() }).then(
    () => assert.fail('the run should stop'),
    (e: Error) => e,
  );
  const [name] = readdirSync(runs);
  return { error, runDir: join(runs, name), events };
}

test('the demo reaches at least 0.97 validation accuracy on webgpu', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const events: TrainEvent[] = [];
  const result = await runTraining(demoSpec(resolve('media'), tempDir('gpu-demo')), { onEvent: (e) => events.push(e), selectBackend: forceWebgpu });
  const backend = events.find((e) => e.type === 'backend');
  assert.equal(backend?.type === 'backend' && backend.report.name, 'webgpu');
  assert.equal(result.backend, 'webgpu');
  assert.ok(!events.some((e) => e.type === 'log' && /^Training on cpu/.test(e.message)), 'training stayed on webgpu');
  t.diagnostic(`demo on webgpu: validation accuracy ${result.valAccuracy.toFixed(4)} after ${result.epochs} epochs`);
  assert.ok(result.valAccuracy >= 0.97, `validation accuracy ${result.valAccuracy}`);
});

test('a killed run on webgpu resumes from its last checkpoint', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  const runs = tempDir('gpu-kill');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--model', modelDir, '--data', dataDir, '--train', 'top:1', '--epochs', '30', '--batch', '8', '--lr', '0.01', '--validation-split', '0.25', '--seed', '5', '--backend', 'webgpu', '--runs', runs], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  let runDir = '';
  const deadline = Date.now() + 120_000;
  while (!runDir && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const [name] = existsSync(runs) ? readdirSync(runs) : [];
    if (name && existsSync(join(runs, name, 'checkpoints', 'last', 'sha256.json'))) runDir = join(runs, name);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the trainer was killed, not finished');
  assert.ok(runDir, 'a checkpoint was written before the kill');
  const after = lastCheckpointEpoch(runDir);
  const events: TrainEvent[] = [];
  const resumed = await resumeTraining(runDir, { onEvent: (e) => events.push(e), selectBackend: forceWebgpu });
  assert.equal(resumed.backend, 'webgpu');
  assert.equal(resumed.runDir, runDir);
  const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
  assert.equal(epochs[0], after + 1, `resumed after epoch ${after}`);
  assert.ok(['completed', 'earlyStopping'].includes(resumed.stopReason));
});

test('device.destroy() mid-run stops with "GPU device lost: …", keeps the last checkpoint, and the run resumes on webgpu or on cpu', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  for (const resumeOn of ['webgpu', 'cpu'] as const) {
    const { error, runDir, events } = await faultedRun(() => device().destroy());
    assert.equal(error.name, 'GpuDeviceLostError');
    assert.match(error.message, /^GPU device lost: device was destroyed; the last checkpoint is kept; resume the run, on webgpu or another backend$/);
    const reported = events.find((e) => e.type === 'error');
    assert.equal(reported?.type === 'error' && reported.message, error.message, 'the one line the user sees');
    assert.equal(lastCheckpointEpoch(runDir), 1);
    assert.deepEqual(events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : [])), [1], 'no epoch after the loss was recorded');
    const resumedEvents: TrainEvent[] = [];
    const resumed = await resumeTraining(runDir, { onEvent: (e) => resumedEvents.push(e), selectBackend: resumeOn === 'webgpu' ? forceWebgpu : cpuBackend });
    assert.equal(resumed.backend, resumeOn);
    assert.deepEqual(resumedEvents.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : [])), [2, 3, 4]);
  }
});

test('the GPU running out of memory, or refusing a buffer beyond its limits, stops the run with a hint to lower the batch size', async (t) => {
  if (!(await webgpuOrSkip(t))) return;
  // Running llvmpipe out of memory would exhaust this machine's RAM, so the device reports one the way Dawn does.
  const g = globalThis as unknown as { GPUOutOfMemoryError: new (m: string) => unknown; GPUUncapturedErrorEvent: new (type: string, init: { error: unknown }) => unknown };
  const oom = await faultedRun(() => device().dispatchEvent(new g.GPUUncapturedErrorEvent('uncapturederror', { error: new g.GPUOutOfMemoryError('Allocation failed') })));
  assert.equal(oom.error.name, 'GpuOutOfMemoryError');
  assert.match(oom.error.message, /^GPU out of memory \(Allocation failed\): try a smaller batch size; the last checkpoint is kept/);
  assert.equal(lastCheckpointEpoch(oom.runDir), 1);
  // A real one: a tensor past maxStorageBufferBindingSize, which tfjs binds without checking.
  const limit = await webgpuOrSkip(t).then(() => (tf.backend() as unknown as { device: { limits: { maxStorageBufferBindingSize: number } } }).device.limits.maxStorageBufferBindingSize);
  const big = await faultedRun(() => tf.tidy(() => void tf.fill([limit / 4 + 1024], 1).sum()));
  assert.equal(big.error.name, 'GpuOutOfMemoryError');
  assert.match(big.error.message, /^a tensor is larger than the GPU allows \(Binding size \(\d+\) .* is larger than the maximum storage buffer binding size \(\d+\)\.\): try a smaller batch size/);
  assert.equal(lastCheckpointEpoch(big.runDir), 1);
});
