// Every message from the dashboard page is validated: anything malformed,
// oversized, out of range or naming a path is rejected without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, WebviewToHostSchema } from '../../src/shared/protocol/webview';

const rejects = (raw: unknown, why: string) => {
  const result = parseWebviewMessage(raw);
  assert.equal(result.ok, false, `${why} should be rejected: ${JSON.stringify(raw)?.slice(0, 120)}`);
};

test('well-formed messages of every kind are accepted', () => {
  const good = [
    { type: 'ready' },
    { type: 'chooseModel' },
    { type: 'openDemo' },
    { type: 'chooseDataset' },
    { type: 'setPreset', preset: 'top' },
    { type: 'setTopK', k: 3 },
    { type: 'setLayer', layerId: 4, trainable: false },
    { type: 'setBlock', blockId: 1, trainable: true },
    { type: 'setCut', layerId: 7 },
    { type: 'setHyper', values: { learningRate: 0.01, epochs: 5, optimizer: 'sgd' } },
    { type: 'start' },
    { type: 'stop' },
    { type: 'showCell', actual: 1, predicted: 2 },
    { type: 'openFile', fileId: 'f12' },
  ];
  for (const message of good) assert.deepEqual(parseWebviewMessage(message), { ok: true, message }, message.type);
});

test('unknown types, non-objects and missing fields are rejected', () => {
  rejects({ type: 'deleteEverything' }, 'an unknown type');
  rejects(null, 'null');
  rejects('start', 'a bare string');
  rejects(42, 'a number');
  rejects([{ type: 'start' }], 'an array');
  rejects({}, 'a message without type');
  rejects({ type: 'setLayer', layerId: 3 }, 'a missing field');
  rejects({ type: 'showCell', actual: 1 }, 'a missing field');
  rejects({ type: 'setPreset' }, 'a missing preset');
});

test('a 50 MB string is rejected without a crash', () => {
  const huge = 'x'.repeat(50 * 1024 * 1024);
  rejects({ type: 'openFile', fileId: huge }, 'a 50 MB file id');
  rejects({ type: 'setHyper', values: { optimizer: huge } }, 'a 50 MB optimizer');
  rejects({ type: huge }, 'a 50 MB type');
});

test('NaN, negative, infinite and 1e308 hyperparameters are rejected', () => {
  for (const learningRate of [Number.NaN, -0.001, 0, 1e308, Number.POSITIVE_INFINITY]) rejects({ type: 'setHyper', values: { learningRate } }, `learningRate ${learningRate}`);
  for (const batchSize of [Number.NaN, -1, 0, 1.5, 1e308]) rejects({ type: 'setHyper', values: { batchSize } }, `batchSize ${batchSize}`);
  for (const epochs of [-3, 1e308, Number.NaN]) rejects({ type: 'setHyper', values: { epochs } }, `epochs ${epochs}`);
  rejects({ type: 'setHyper', values: { validationSplit: 1 } }, 'validationSplit 1');
  rejects({ type: 'setHyper', values: { seed: -1 } }, 'a negative seed');
  rejects({ type: 'setTopK', k: -1 }, 'a negative K');
  rejects({ type: 'setLayer', layerId: Number.NaN, trainable: true }, 'a NaN layer id');
  rejects({ type: 'setHyper', values: { learningRate: '0.01' } }, 'a number as a string');
});

test('paths and file:// URIs from the page are rejected: only host-issued ids', () => {
  rejects({ type: 'openFile', fileId: '/etc/passwd' }, 'an absolute path');
  rejects({ type: 'openFile', fileId: 'file:///etc/passwd' }, 'a file URI');
  rejects({ type: 'openFile', fileId: '../f1' }, 'a relative path');
  rejects({ type: 'openFile', fileId: 'f1/../../x' }, 'an id with a path tail');
  rejects({ type: 'openFile', path: '/etc/passwd' }, 'a path field');
  rejects({ type: 'chooseDataset', path: '/home/me/data' }, 'a path smuggled into a message without fields');
  rejects({ type: 'start', spec: { dataDir: '/tmp' } }, 'a spec smuggled into start');
  rejects({ type: 'setHyper', values: { modelDir: 'file:///x' } }, 'an unknown hyperparameter');
});

test('the schema is a discriminated union over `type`', () => {
  const types = WebviewToHostSchema.options.map((o) => o.shape.type.value).sort();
  assert.equal(new Set(types).size, types.length);
  assert.ok(types.includes('ready') && types.includes('openFile'));
});

test('the input range is auto or one of the CLI presets', () => {
  for (const inputRange of ['auto', '0,1', '-1,1', '0,255', 'caffe', 'torch']) assert.equal(parseWebviewMessage({ type: 'setHyper', values: { inputRange } }).ok, true, inputRange);
  rejects({ type: 'setHyper', values: { inputRange: '0,2' } }, 'an unknown input range');
});

test('the head dropout is a hyperparameter in [0, 0.95]', () => {
  assert.equal(parseWebviewMessage({ type: 'setHyper', values: { dropout: 0.5 } }).ok, true);
  rejects({ type: 'setHyper', values: { dropout: 1 } }, 'dropout 1');
  rejects({ type: 'setHyper', values: { dropout: -0.1 } }, 'a negative dropout');
});
