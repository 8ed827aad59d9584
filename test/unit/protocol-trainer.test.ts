// The trainer protocol validates both directions: requests in the trainer,
// replies and events in the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrainerMessageSchema, TrainerRequestSchema, TrainerResultSchemas } from '../../src/shared/protocol/trainer';
import { TrainEventSchema } from '../../src/shared/protocol/schemas';
import { demoSummary } from './ext-fixtures';

const spec = { modelDir: '/m', dataDir: '/d', runsDir: '/r' };

test('requests: valid ones pass, with TrainSpec defaults applied', () => {
  const train = TrainerRequestSchema.parse({ id: 1, method: 'train', params: { spec } });
  assert.equal(train.method, 'train');
  if (train.method === 'train') assert.equal(train.params.spec.batchSize, 32);
  assert.ok(TrainerRequestSchema.safeParse({ id: 2, method: 'summarize', params: { modelDir: '/m' } }).success);
  assert.ok(TrainerRequestSchema.safeParse({ id: 3, method: 'classify', params: { modelDir: '/m', files: ['/a.png'], topK: 3 } }).success);
  assert.ok(TrainerRequestSchema.safeParse({ id: 4, method: 'stop', params: {} }).success);
});

test('requests: unknown methods, missing fields, bad ids and bad numbers are rejected', () => {
  const bad = [
    { id: 1, method: 'rm', params: {} },
    { id: 1, method: 'summarize', params: {} },
    { id: 0, method: 'stop', params: {} },
    { id: 1.5, method: 'stop', params: {} },
    { method: 'stop', params: {} },
    { id: 1, method: 'train', params: { spec: { ...spec, learningRate: Number.NaN } } },
    { id: 1, method: 'train', params: { spec: { ...spec, learningRate: 1e308 } } },
    { id: 1, method: 'train', params: { spec: { ...spec, batchSize: -4 } } },
    { id: 1, method: 'classify', params: { modelDir: '/m', files: [], topK: 3 } },
    { id: 1, method: 'summarize', params: { modelDir: 'x'.repeat(50 * 1024 * 1024) } },
  ];
  for (const raw of bad) assert.equal(TrainerRequestSchema.safeParse(raw).success, false, JSON.stringify(raw).slice(0, 100));
});

test('events: a diverging loss (NaN, Infinity) still reaches the host', () => {
  const batch = { type: 'batch', epoch: 1, batch: 3, batchesPerEpoch: 10, loss: Number.NaN, accuracy: 0.1, lr: 1000, imagesPerSec: 50 };
  assert.ok(TrainEventSchema.safeParse(batch).success);
  assert.ok(TrainerMessageSchema.safeParse({ method: 'event', params: { requestId: 1, event: { ...batch, loss: Number.POSITIVE_INFINITY } } }).success);
  // Over the JSON IPC channel NaN arrives as null; it is read back as NaN.
  const viaJson = TrainEventSchema.parse(JSON.parse(JSON.stringify(batch)));
  assert.ok(viaJson.type === 'batch' && Number.isNaN(viaJson.loss));
  assert.equal(TrainEventSchema.safeParse({ ...batch, loss: 'NaN' }).success, false);
  assert.equal(TrainEventSchema.safeParse({ type: 'batch', epoch: 1 }).success, false);
  assert.equal(TrainEventSchema.safeParse({ type: 'explode' }).success, false);
});

test('results are checked per method', () => {
  assert.ok(TrainerResultSchemas.summarize.safeParse(demoSummary()).success);
  assert.equal(TrainerResultSchemas.summarize.safeParse({ ...demoSummary(), totalParams: -1 }).success, false);
  assert.equal(TrainerResultSchemas.stop.safeParse({}).success, false);
  assert.ok(TrainerResultSchemas.classify.safeParse([{ file: '/a.png', top: [{ label: '7', probability: 0.9 }] }]).success);
  assert.equal(TrainerResultSchemas.classify.safeParse([{ file: '/a.png', top: [{ label: '7', probability: 1.5 }] }]).success, false);
});

test('resume, catalog and pull requests and results are validated', () => {
  assert.ok(TrainerRequestSchema.safeParse({ id: 5, method: 'resume', params: { runDir: '/runs/20261129-010101-demo' } }).success);
  assert.equal(TrainerRequestSchema.safeParse({ id: 5, method: 'resume', params: { runDir: '' } }).success, false);
  assert.ok(TrainerRequestSchema.safeParse({ id: 6, method: 'catalog', params: { cacheDir: '/cache' } }).success);
  assert.ok(TrainerRequestSchema.safeParse({ id: 7, method: 'pull', params: { idOrUrl: 'mobilenet-v2', cacheDir: '/cache', proxy: 'http://proxy:8080' } }).success);
  assert.equal(TrainerRequestSchema.safeParse({ id: 7, method: 'pull', params: { cacheDir: '/cache' } }).success, false);
  const item = { id: 'demo', title: 'Demo', format: 'layers', license: 'MIT', approxBytes: 2_400_000, builtin: true, cached: true };
  assert.ok(TrainerResultSchemas.catalog.safeParse([item]).success);
  assert.equal(TrainerResultSchemas.catalog.safeParse([{ ...item, format: 'onnx' }]).success, false);
  assert.equal(TrainerResultSchemas.pull.safeParse({ modelDir: '/cache/x' }).success, false);
});

test('lrFind: the request carries a spec; the result is the series, its end and a suggestion or null', () => {
  assert.ok(TrainerRequestSchema.safeParse({ id: 9, method: 'lrFind', params: { spec: { ...spec, train: 'fine-tune' } } }).success);
  assert.equal(TrainerRequestSchema.safeParse({ id: 9, method: 'lrFind', params: {} }).success, false);
  const result = { points: [{ lr: 1e-7, loss: 1.1, smoothedLoss: 1.1 }], end: 'diverged', suggestion: { lr: 1e-3, minLossLr: 1e-2, rule: 'a tenth of…' } };
  assert.ok(TrainerResultSchemas.lrFind.safeParse(result).success);
  assert.ok(TrainerResultSchemas.lrFind.safeParse({ ...result, suggestion: null }).success);
  assert.equal(TrainerResultSchemas.lrFind.safeParse({ ...result, end: 'exploded' }).success, false);
  assert.equal(TrainerResultSchemas.lrFind.safeParse({ ...result, points: [{ lr: 'x', loss: 1, smoothedLoss: 1 }] }).success, false);
});
