// Issue 15: what is shown is what runs. Each hyperparameter is checked as the
// user types, with a message in plain words; nothing is rounded; the host's
// schema uses the same limits; Start says why it is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkField, fieldRule, NUMBER_FIELDS, type NumberKey } from '../../src/shared/hyperFields';
import { HyperparametersSchema, parseWebviewMessage } from '../../src/shared/protocol/webview';
import { datasetBlocker, startBlocker } from '../../src/shared/readiness';

test('each rejected value of the issue gets a plain-words message, and nothing is rounded', () => {
  assert.deepEqual(checkField('epochs', '1e9'), { ok: false, message: 'Epochs must be a whole number from 1 to 10,000.' });
  assert.deepEqual(checkField('learningRate', '0'), { ok: false, message: 'Learning rate must be a number from 0.00000001 to 10 (e.g. 0.001).' });
  assert.deepEqual(checkField('learningRate', 'abc'), { ok: false, message: 'Learning rate must be a number from 0.00000001 to 10 (e.g. 0.001); "abc" is not a number.' });
  assert.deepEqual(checkField('batchSize', '2.7'), { ok: false, message: 'Batch size must be a whole number from 1 to 4,096; 2.7 is not whole.' });
  assert.deepEqual(checkField('batchSize', ''), { ok: false, message: 'Batch size must be a whole number from 1 to 4,096; the field is empty.' });
  for (const text of ['0x10', 'Infinity', '1 2', '--3', '1e', 'NaN']) assert.equal(checkField('epochs', text).ok, false, text);
  assert.deepEqual(checkField('epochs', ' 30 '), { ok: true, value: 30 });
  assert.deepEqual(checkField('epochs', '1e3'), { ok: true, value: 1000 });
  assert.deepEqual(checkField('learningRate', '.001'), { ok: true, value: 0.001 });
  assert.deepEqual(checkField('earlyStoppingPatience', '0'), { ok: true, value: 0 });
});

test('the page and the host accept exactly the same values (one set of limits)', () => {
  const probes = ['0', '1', '0.05', '0.9', '0.95', '1e-8', '1e-9', '10', '10.5', '4096', '4097', '10000', '10001', '1000', '2147483647', '2147483648', '0.5', '2.5'];
  for (const key of Object.keys(NUMBER_FIELDS) as NumberKey[]) {
    for (const text of probes) {
      const page = checkField(key, text).ok;
      const host = HyperparametersSchema.partial().safeParse({ [key]: Number(text) }).success;
      assert.equal(page, host, `${key} = ${text}: page ${page}, host ${host}`);
    }
    assert.match(fieldRule(key), new RegExp(`^${NUMBER_FIELDS[key].label} must be a (whole )?number from `));
  }
});

test('a rejected setHyper message is refused by the host schema', () => {
  assert.equal(parseWebviewMessage({ type: 'setHyper', values: { epochs: 1e9 } }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'setHyper', values: { batchSize: 2.7 } }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'useSuggested' }).ok, true);
});

test('Start says why it is off: trust, a run, the model, the dataset and its blocking errors', () => {
  const run = { phase: 'idle' } as never;
  const health = { errors: ["class 'x' has 1 training image; at least 2 are needed. Add images to x/ or remove that folder."] } as never;
  const model = {} as never;
  assert.match(startBlocker({ trusted: false, model, dataset: null, run }) ?? '', /Restricted Mode/);
  assert.equal(startBlocker({ trusted: true, model: null, dataset: null, run }), 'Open a model first.');
  assert.equal(startBlocker({ trusted: true, model, dataset: null, run }), 'Choose a dataset folder first.');
  assert.equal(datasetBlocker({ scanning: true, error: null, health: null }), 'The dataset is still being scanned.');
  assert.equal(datasetBlocker({ scanning: false, error: 'Only one class', health: null }), 'The dataset cannot be used: Only one class');
  assert.equal(datasetBlocker({ scanning: false, error: null, health }), "The dataset cannot be used: class 'x' has 1 training image; at least 2 are needed. Add images to x/ or remove that folder.");
  assert.equal(datasetBlocker({ scanning: false, error: null, health: { errors: [] } as never }), null);
});
