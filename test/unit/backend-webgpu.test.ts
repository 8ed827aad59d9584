// Choosing webgpu: each reason it is unavailable is one line, a software
// adapter is skipped by `auto` and used when asked for by name, and a failure
// to initialise falls back to the next backend. Fakes stand in for Dawn where
// this machine cannot produce the case (a hardware adapter, a missing limit);
// the real adapter (llvmpipe on CI) is used where it can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { BackendError, describeBackend, selectBackend, type SelectBackendOptions } from '../../src/engine/backend/select';
import { REQUIRED_LIMITS, type DawnAdapter, type DawnModule } from '../../src/engine/backend/dawn';
import { adapterText } from '../../src/shared/format';
import { webgpuOrSkip } from './webgpu-fixtures';
import { tempDir, writeBaseModel, writeDataset } from './run-fixtures';

const NO_NATIVE = (id: string): unknown => {
  if (id.startsWith('@tensorflow/tfjs-node')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  return require(id);
};

const RTX = { vendor: 'nvidia', architecture: 'ampere', device: 'rtx-3080', description: 'NVIDIA GeForce RTX 3080' };

/** A Dawn whose one adapter has `info` and `limits`, and whose requestDevice fails as a broken driver's would. */
function fakeDawn(info = RTX, limits: Record<string, number> = { ...REQUIRED_LIMITS }): DawnModule {
  const adapter: DawnAdapter = {
    info,
    limits,
    features: { has: () => false },
    requestDevice: () => Promise.reject(new Error('VK_ERROR_INITIALIZATION_FAILED\n(at vkCreateDevice)')),
  };
  return { create: () => ({ requestAdapter: async () => adapter }), globals: {} };
}

test('auto tries a hardware adapter before wasm; when it fails to initialise, wasm is chosen and the reason is one line', async () => {
  const report = await selectBackend({ requireFn: NO_NATIVE, webgpu: { loadDawn: async () => fakeDawn(), libraryDirs: vulkanDirs() } });
  assert.equal(report.name, 'wasm');
  const webgpu = report.skipped.find((s) => s.name === 'webgpu');
  assert.deepEqual(webgpu, { name: 'webgpu', reason: 'initialisation failed on nvidia ampere rtx-3080 (NVIDIA GeForce RTX 3080): VK_ERROR_INITIALIZATION_FAILED' });
  assert.deepEqual(report.skipped.map((s) => s.name), ['tensorflow (@tensorflow/tfjs-node-gpu)', 'tensorflow (@tensorflow/tfjs-node)', 'webgpu']);
});

test('each reason webgpu is unavailable is one line', async () => {
  const reasonFor = async (webgpu: SelectBackendOptions['webgpu']) => {
    const err = await selectBackend({ requested: 'webgpu', webgpu }).then(
      () => assert.fail('webgpu should be unavailable'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof BackendError);
    assert.ok(!err.message.includes('\n'), err.message);
    return err.message.replace("backend 'webgpu' was requested but is not available: ", '');
  };
  if (process.platform === 'linux') {
    const empty = mkdtempSync(join(tmpdir(), 'ft-novulkan-'));
    assert.equal(await reasonFor({ libraryDirs: [empty] }), 'the Vulkan loader (libvulkan.so.1) is missing: install libvulkan1 and a Vulkan driver');
  }
  const none: DawnModule = { create: () => ({ requestAdapter: async () => null }), globals: {} };
  assert.match(await reasonFor({ loadDawn: async () => none, libraryDirs: vulkanDirs() }), /^no WebGPU adapter was found/);
  const software = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device', description: 'SwiftShader', isFallbackAdapter: true };
  assert.equal(
    (await selectBackend({ requireFn: NO_NATIVE, webgpu: { loadDawn: async () => fakeDawn(software), libraryDirs: vulkanDirs() } })).skipped.find((s) => s.name === 'webgpu')?.reason,
    'only a software adapter was found (google swiftshader swiftshader-device (SwiftShader), software); it is used only when asked for by name (--backend webgpu)',
  );
  const small = { ...REQUIRED_LIMITS, maxComputeInvocationsPerWorkgroup: 128 };
  assert.equal(await reasonFor({ loadDawn: async () => fakeDawn(RTX, small), libraryDirs: vulkanDirs() }), 'the adapter lacks a required limit: maxComputeInvocationsPerWorkgroup is 128, tfjs needs 256');
  assert.equal(
    await reasonFor({ loadDawn: () => Promise.reject(new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found\n(required by dawn.node)")) }),
    "dawn.node failed to load: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found",
  );
});

/** A folder with a (stand-in) Vulkan loader, so that the fakes get past the loader check on any Linux. */
function vulkanDirs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ft-vulkan-'));
  writeFileSync(join(dir, 'libvulkan.so.1'), '');
  return [dir];
}

test('auto skips this machine\u2019s software adapter with the reason; asked for by name, it is used and described', async (t) => {
  const named = await webgpuOrSkip(t);
  if (!named) return;
  assert.equal(named.name, 'webgpu');
  assert.equal(named.package, '@tensorflow/tfjs-backend-webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
  const adapter = named.adapter!;
  for (const key of ['vendor', 'architecture', 'device', 'description'] as const) assert.equal(typeof adapter[key], 'string');
  if (!adapter.software) {
    t.diagnostic(`a hardware adapter is present (${adapterText(adapter)}): auto would choose it, so the skip is not checked here`);
    return;
  }
  assert.equal(named.gpu, false, 'a software adapter is not a GPU');
  assert.match(describeBackend(named), /^backend: webgpu \(@tensorflow\/tfjs-backend-webgpu\) on .+, software$/);
  const auto = await selectBackend({ requireFn: NO_NATIVE });
  assert.equal(auto.name, 'wasm');
  assert.equal(auto.skipped.find((s) => s.name === 'webgpu')?.reason, `only a software adapter was found (${adapterText(adapter)}); it is used only when asked for by name (--backend webgpu)`);
});

test('adapterText names vendor, architecture, device and description, and marks software', () => {
  assert.equal(adapterText({ ...RTX, software: false }), 'nvidia ampere rtx-3080 (NVIDIA GeForce RTX 3080)');
  assert.equal(adapterText({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: '', software: true }), 'mesa software llvmpipe, software');
  assert.equal(adapterText({ vendor: '', architecture: '', device: '', description: '', software: false }), 'unnamed adapter');
});

test('the CLI names the adapter on its Backend: line, and --json carries it as fields', async (t) => {
  const named = await webgpuOrSkip(t);
  if (!named) return;
  await tf.setBackend('cpu');
  const modelDir = await writeBaseModel(join(tempDir('gpu-cli-model'), 'base'));
  const dataDir = await writeDataset(join(tempDir('gpu-cli-data'), 'bands'), 8);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--model', modelDir, '--data', dataDir, '--epochs', '1', '--batch', '8', '--backend', 'webgpu', '--runs', tempDir('gpu-cli-runs'), '--json'], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(json.backend, 'webgpu');
  assert.deepEqual(json.adapter, named.adapter);
  assert.equal(json.gpu, named.gpu);
  assert.ok(r.stderr.split('\n').includes(`Backend: webgpu (@tensorflow/tfjs-backend-webgpu) on ${adapterText(named.adapter!)}`), r.stderr);
});
