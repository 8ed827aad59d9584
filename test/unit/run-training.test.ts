import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import { classifyImages } from '../../src/engine/classify';
import type { TrainEvent } from '../../src/shared/events';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('model'), 'base'));
  dataDir = await writeDataset(join(tempDir('data'), 'bands'));
});

function spec(overrides: Partial<TrainSpecInput> = {}): TrainSpecInput {
  return { modelDir, dataDir, runsDir: tempDir('runs'), preprocessing: PRE, epochs: 3, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, seed: 11, ...overrides };
}

async function train(overrides: Partial<TrainSpecInput> = {}, signal?: AbortSignal, onEvent?: (e: TrainEvent) => void) {
  const events: TrainEvent[] = [];
  const result = await runTraining(spec(overrides), { onEvent: (e) => (events.push(e), onEvent?.(e)), signal, selectBackend: cpuBackend });
  return { result, events };
}

test('a run emits every event kind, writes its folder and reports metrics', async () => {
  const { result, events } = await train();
  const kinds = new Set(events.map((e) => e.type));
  for (const kind of ['backend', 'health', 'plan', 'progress', 'batch', 'epoch', 'done']) assert.ok(kinds.has(kind as TrainEvent['type']), kind);
  const order = events.map((e) => e.type);
  assert.ok(order.indexOf('health') < order.indexOf('batch'), 'health report before any training');
  assert.equal(order[order.length - 1], 'done');
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan?.type === 'plan' && plan.featureCache, 'feature cache on for head-only');
  assert.ok(events.some((e) => e.type === 'log' && e.message.startsWith(`Cut at ${plan.cut} (auto-detected`)));

  assert.equal(result.epochs, 3);
  assert.equal(result.stopReason, 'completed');
  assert.deepEqual(result.confusion.labels, ['bottom', 'middle', 'top']);
  const total = result.confusion.matrix.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, result.perClass.reduce((a, c) => a + c.support, 0));
  assert.equal(result.confusion.files.flat(2).length, total, 'every validation file sits in one cell');
  assert.ok(result.valAccuracy >= 0 && result.valAccuracy <= 1);

  for (const f of ['spec.json', 'metrics.jsonl', 'model/model.json', 'model/weights.bin', 'model/labels.json', 'model/preprocessing.json']) {
    assert.ok(existsSync(join(result.runDir, f)), f);
  }
  const lines = readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.epoch), [1, 2, 3]);
  assert.deepEqual(readdirSync(result.runDir).sort(), ['checkpoints', 'metrics.jsonl', 'model', 'spec.json'], 'no temp files or cache left behind');
  assert.deepEqual(readdirSync(join(result.runDir, 'checkpoints')).sort(), ['best', 'last']);
  assert.deepEqual(JSON.parse(readFileSync(join(result.modelDir, 'labels.json'), 'utf8')), ['bottom', 'middle', 'top']);
});

test('same seed on cpu: a rerun gives identical metrics', async () => {
  const epochs = (events: TrainEvent[]) => events.filter((e) => e.type === 'epoch').map((e) => ({ ...e, elapsedMs: 0, etaMs: 0 }));
  // All layers train (no split), with dropout: the whole-model path.
  const a = await train({ train: 'all' });
  const b = await train({ train: 'all' });
  assert.deepEqual(epochs(a.events), epochs(b.events));
  assert.equal(a.result.valAccuracy, b.result.valAccuracy);
});

test('the feature cache (memory or disk) gives the same metrics as no cache', async () => {
  const metrics = (events: TrainEvent[]) => events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? [e.loss, e.valLoss, e.valAccuracy] : []));
  const cached = await train({ train: 'top:1' });
  const uncached = await train({ train: 'top:1', featureCache: 'off' });
  const planOf = (events: TrainEvent[]) => events.find((e) => e.type === 'plan') as Extract<TrainEvent, { type: 'plan' }>;
  assert.equal(planOf(cached.events).featureCache, true);
  assert.equal(planOf(uncached.events).featureCache, false);
  const events: TrainEvent[] = [];
  // On disk, and decoded 5 images at a time (bounded pixel memory).
  const onDisk = await runTraining(spec({ train: 'top:1' }), { onEvent: (e) => events.push(e), selectBackend: cpuBackend, cacheBudgetBytes: 1, decodeChunk: 5 });
  const a = metrics(cached.events);
  for (const other of [metrics(uncached.events), metrics(events)]) {
    a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - other[i][j]) < 1e-5, `epoch ${i + 1}: ${v} vs ${other[i][j]}`)));
  }
  assert.equal(onDisk.valAccuracy, cached.result.valAccuracy);
});

test('augmentation turns the feature cache off and still trains, with balanced class weights and sgd', async () => {
  const { result, events } = await train({ augment: true, classWeights: 'balanced', optimizer: 'sgd', epochs: 2 });
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan?.type === 'plan' && !plan.featureCache);
  assert.ok(events.some((e) => e.type === 'log' && /Augmentation is on/.test(e.message)));
  assert.equal(result.epochs, 2);
  assert.ok(Number.isFinite(result.valLoss));
});

test('cancel stops at a batch boundary and still saves the model', async () => {
  const controller = new AbortController();
  const { result, events } = await train({ epochs: 50 }, controller.signal, (e) => {
    if (e.type === 'epoch' && e.epoch === 2) controller.abort();
  });
  assert.equal(result.stopReason, 'cancelled');
  assert.equal(result.epochs, 2);
  assert.ok(!events.some((e) => e.type === 'batch' && e.epoch > 3));
  assert.ok(existsSync(join(result.modelDir, 'weights.bin')));
});

test('the saved model classifies with its labels and preprocessing', async () => {
  const { result } = await train({ epochs: 8, learningRate: 0.03 });
  const files = ['top/0.png', 'bottom/1.png', 'missing.png'].map((f) => join(dataDir, f));
  const out = await classifyImages(result.modelDir, files, 2);
  assert.equal(out.length, 3);
  assert.equal(out[0].top.length, 2);
  assert.ok(out[0].top[0].probability >= out[0].top[1].probability);
  assert.ok(out[0].top.every((t) => t.probability >= 0 && t.probability <= 1));
  assert.ok(['top', 'middle', 'bottom'].includes(out[0].top[0].label ?? ''));
  assert.ok(out[2].error, 'a missing file is reported, not thrown');
});

test("without preprocessing in the spec, the model folder's preprocessing.json is used and saved with the result", async () => {
  const dir = await writeBaseModel(join(tempDir('model-pre'), 'base'));
  const declared = { ...PRE, range: { kind: 'raw' as const } };
  writeFileSync(join(dir, 'preprocessing.json'), JSON.stringify(declared));
  const { result } = await train({ modelDir: dir, preprocessing: undefined, epochs: 1 });
  assert.deepEqual(JSON.parse(readFileSync(join(result.modelDir, 'preprocessing.json'), 'utf8')), declared);
});

test('a whole run releases every tensor it made (model, cache, optimizer, best weights)', async () => {
  for (const plan of ['head', 'top:1', 'all'] as const) {
    const before = tf.memory().numTensors;
    await train({ train: plan, epochs: 2, earlyStoppingPatience: 1 });
    assert.equal(tf.memory().numTensors, before, plan);
  }
});

test('bad inputs fail with one-line errors and create no run folder', async () => {
  const runsDir = tempDir('runs-bad');
  await assert.rejects(runTraining(spec({ runsDir, cut: 'nope' }), { onEvent: () => {}, selectBackend: cpuBackend }), /unknown cut layer 'nope'/);
  await assert.rejects(runTraining(spec({ runsDir, train: ['conv1', 'nope'] }), { onEvent: () => {}, selectBackend: cpuBackend }), /unknown layer 'nope'/);
  const errors: TrainEvent[] = [];
  await assert.rejects(runTraining(spec({ runsDir, epochs: -1 }), { onEvent: (e) => errors.push(e), selectBackend: cpuBackend }), /epochs/);
  assert.equal(errors[0]?.type, 'error');
  assert.deepEqual(readdirSync(runsDir), []);
});
