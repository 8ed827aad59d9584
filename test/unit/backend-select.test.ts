// Backend selection and its reasons. The native packages are not installed
// here (their install downloads libtensorflow), so an injected `require`
// simulates each case: absent packages, a missing CUDA library, a native
// package without a visible GPU, and one with a GPU.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { BackendError, describeBackend, resetNativeBackendForTests, selectBackend } from '../../src/engine/backend/select';
import { requireFailureReason } from '../../src/engine/backend/reasons';

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';
const WASM = '@tensorflow/tfjs-backend-wasm';

function notFound(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /x/dist/cli.js`), { code: 'MODULE_NOT_FOUND' });
}

/** What a fake native package does on require: register a 'tensorflow' backend (the cpu one, renamed). */
function registerFakeTensorflow(gpu: boolean): void {
  const Cpu = (tf.findBackend('cpu') as object).constructor as new () => tf.KernelBackend;
  tf.registerBackend('tensorflow', () => Object.assign(new Cpu(), { isUsingGpuDevice: gpu }));
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
}

afterEach(async () => {
  resetNativeBackendForTests();
  if (tf.findBackend('tensorflow')) {
    await tf.setBackend('cpu');
    for (const k of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(k.kernelName, 'tensorflow');
    tf.removeBackend('tensorflow');
  }
});

/** A require that knows only the given modules; records what was asked and TF_FORCE_GPU_ALLOW_GROWTH at that moment. */
function fakeRequire(modules: Record<string, () => unknown>) {
  const calls: { id: string; growth: string | undefined }[] = [];
  const fn = (id: string): unknown => {
    calls.push({ id, growth: process.env.TF_FORCE_GPU_ALLOW_GROWTH });
    const m = modules[id];
    if (!m) throw notFound(id);
    return m();
  };
  return { fn, calls };
}

/** The `webgpu` package absent, so these tests do not depend on this machine's GPU (backend-webgpu.test.ts covers it). */
const NO_DAWN = { loadDawn: () => Promise.reject(notFound('webgpu')) };

// Tests that need wasm absent run first: once loaded, wasm stays registered in this process.
test('nothing but cpu: both native packages, webgpu and wasm are reported as skipped', async () => {
  const { fn } = fakeRequire({});
  const report = await selectBackend({ requireFn: fn, webgpu: NO_DAWN });
  assert.equal(report.name, 'cpu');
  assert.equal(report.gpu, false);
  assert.deepEqual(report.skipped, [
    { name: `tensorflow (${GPU})`, reason: 'package not installed' },
    { name: `tensorflow (${NODE})`, reason: 'package not installed' },
    { name: 'webgpu', reason: 'package not installed' },
    { name: 'wasm', reason: 'package not installed' },
  ]);
  assert.equal(tf.getBackend(), 'cpu');
});

test('a requested backend that is unavailable fails with one clear line', async () => {
  const { fn } = fakeRequire({});
  await assert.rejects(selectBackend({ requested: 'wasm', requireFn: fn }), (e: unknown) => {
    assert.ok(e instanceof BackendError);
    assert.equal(e.message, "backend 'wasm' was requested but is not available: package not installed");
    return true;
  });
  await assert.rejects(selectBackend({ requested: 'tensorflow', requireFn: fn }), (e: unknown) => {
    assert.ok(e instanceof BackendError);
    assert.match(e.message, /^backend 'tensorflow' was requested but is not available: tensorflow \(@tensorflow\/tfjs-node-gpu\): package not installed; tensorflow \(@tensorflow\/tfjs-node\): package not installed$/);
    return true;
  });
});

test('CUDA library missing: tfjs-node-gpu is skipped with the library named, wasm is chosen', async () => {
  const { fn, calls } = fakeRequire({
    [GPU]: () => {
      throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    },
    [WASM]: () => require(WASM),
  });
  delete process.env.TF_FORCE_GPU_ALLOW_GROWTH;
  const report = await selectBackend({ requireFn: fn, webgpu: NO_DAWN });
  assert.equal(report.name, 'wasm');
  assert.equal(report.package, WASM);
  assert.deepEqual(report.skipped, [
    { name: `tensorflow (${GPU})`, reason: 'CUDA library not found (libcudart.so.11.0); tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1' },
    { name: `tensorflow (${NODE})`, reason: 'package not installed' },
    { name: 'webgpu', reason: 'package not installed' },
  ]);
  assert.equal(calls[0].growth, 'true', 'TF_FORCE_GPU_ALLOW_GROWTH is set before the native package loads');
  assert.match(describeBackend(report), /^backend: wasm \(@tensorflow\/tfjs-backend-wasm\); skipped tensorflow \(@tensorflow\/tfjs-node-gpu\): CUDA library not found \(libcudart\.so\.11\.0\)/);
});

test('tfjs-node-gpu loads but sees no GPU: tensorflow on the CPU, and tfjs-node is never loaded too', async () => {
  const { fn, calls } = fakeRequire({ [GPU]: () => registerFakeTensorflow(false), [NODE]: () => assert.fail('two native packages') });
  const report = await selectBackend({ requireFn: fn });
  assert.deepEqual(report, {
    name: 'tensorflow',
    package: GPU,
    gpu: false,
    skipped: [{ name: 'tensorflow (GPU)', reason: 'GPU not visible, so isUsingGpuDevice is false: tfjs-node-gpu runs on the CPU' }],
  });
  assert.deepEqual(calls.map((c) => c.id), [GPU]);
  assert.equal(tf.getBackend(), 'tensorflow');
});

test('tfjs-node-gpu with a visible GPU', async () => {
  const { fn } = fakeRequire({ [GPU]: () => registerFakeTensorflow(true) });
  const report = await selectBackend({ requireFn: fn });
  assert.deepEqual(report, { name: 'tensorflow', package: GPU, gpu: true, skipped: [] });
  assert.equal(describeBackend(report), `backend: tensorflow (${GPU}, GPU)`);
});

test('only tfjs-node installed: chosen after tfjs-node-gpu is reported missing', async () => {
  const { fn } = fakeRequire({ [NODE]: () => registerFakeTensorflow(false) });
  const report = await selectBackend({ requested: 'tensorflow', requireFn: fn });
  assert.deepEqual(report, { name: 'tensorflow', package: NODE, gpu: false, skipped: [{ name: `tensorflow (${GPU})`, reason: 'package not installed' }] });
});

test('require failures become short reasons', () => {
  assert.equal(requireFailureReason(GPU, notFound(GPU)), 'package not installed');
  assert.match(requireFailureReason(NODE, notFound('/x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node')), /^native binding missing/);
  assert.match(requireFailureReason(GPU, new Error('libcudnn.so.8: cannot open shared object file: No such file or directory')), /^CUDA library not found \(libcudnn\.so\.8\)/);
  assert.equal(requireFailureReason(NODE, new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory')), 'shared library not found (libtensorflow.so.2)');
  assert.equal(requireFailureReason(NODE, new Error('something odd\nsecond line')), 'something odd');
});

test('a native package that loads but registers no backend stops the search (never two native packages)', async () => {
  const { fn, calls } = fakeRequire({ [GPU]: () => ({}), [NODE]: () => assert.fail('two native packages'), [WASM]: () => require(WASM) });
  const report = await selectBackend({ requireFn: fn });
  assert.equal(report.name, 'wasm');
  assert.deepEqual(calls.map((c) => c.id).filter((id) => id !== WASM), [GPU]);
  assert.match(report.skipped[0].reason, /^@tensorflow\/tfjs-node-gpu loaded but failed: it registered no 'tensorflow' backend/);
});

test('once a native package is loaded, a later selection never loads the other one', async () => {
  await selectBackend({ requireFn: fakeRequire({ [GPU]: () => ({}), [WASM]: () => require(WASM) }).fn });
  const again = fakeRequire({ [GPU]: () => ({}), [NODE]: () => assert.fail('two native packages'), [WASM]: () => require(WASM) });
  const report = await selectBackend({ requireFn: again.fn });
  assert.equal(report.name, 'wasm');
  assert.ok(!again.calls.some((c) => c.id === NODE));
});
