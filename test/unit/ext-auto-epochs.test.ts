// Issue 13, requirement 6 in the dashboard: epochs and early stopping default
// to Auto, which leaves them out of the run spec so the engine's budget rule
// decides from the dataset's size; the page says what Auto will mean, and a
// typed number still wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkField } from '../../src/shared/hyperFields';
import { HyperparametersSchema } from '../../src/shared/protocol/webview';
import { autoBudget } from '../../src/shared/budget';
import { trainingBudget } from '../../src/engine/train/budget';
import { DEFAULT_HYPER } from '../../src/extension/state/defaults';
import { HostStore } from '../../src/extension/state/store';
import { buildSpec } from '../../src/extension/state/specBuilder';
import { autoText } from '../../src/webview/sections/autoText';
import type { HealthReport } from '../../src/shared/health';
import { demoSummary } from './ext-fixtures';

const health = (perClass: number): HealthReport => ({
  root: '/data', layout: 'classFolders', imbalanceRatio: 1, skipped: [], crossSplitDuplicates: [], tooSmall: [], warnings: [], errors: [],
  classes: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, train: perClass, validation: 2, test: 0 })),
});

function ready(perClass = 8) {
  const store = new HostStore();
  store.setModel('/m', demoSummary());
  store.setDataset('/data', 'data');
  store.setHealth('/data', health(perClass), null);
  return store;
}

test('epochs and patience may be Auto (empty or "auto"); other fields may not', () => {
  assert.equal(DEFAULT_HYPER.epochs, 'auto');
  assert.equal(DEFAULT_HYPER.earlyStoppingPatience, 'auto');
  for (const text of ['', '  ', 'auto', ' Auto ']) assert.deepEqual(checkField('epochs', text), { ok: true, value: 'auto' }, JSON.stringify(text));
  assert.deepEqual(checkField('earlyStoppingPatience', ''), { ok: true, value: 'auto' });
  assert.deepEqual(checkField('batchSize', 'auto'), { ok: false, message: 'Batch size must be a whole number from 1 to 4,096; "auto" is not a number.' });
  assert.deepEqual(checkField('learningRate', ''), { ok: false, message: 'Learning rate must be a number from 0.00000001 to 10 (e.g. 0.001); the field is empty.' });
  assert.deepEqual(checkField('epochs', '0'), { ok: false, message: 'Epochs must be a whole number from 1 to 10,000.' });
  assert.ok(HyperparametersSchema.partial().safeParse({ epochs: 'auto', earlyStoppingPatience: 'auto' }).success);
  for (const bad of [{ epochs: 'Auto' }, { epochs: 0 }, { batchSize: 'auto' }, { learningRate: 'auto' }]) assert.equal(HyperparametersSchema.partial().safeParse(bad).success, false, JSON.stringify(bad));
});

test('Auto leaves epochs and patience out of the spec (the budget rule decides); typed numbers are sent as given', () => {
  const store = ready();
  let built = buildSpec(store, '/runs', 'cpu');
  assert.ok(built.ok);
  assert.equal(built.spec.epochs, undefined);
  assert.equal(built.spec.earlyStoppingPatience, undefined);
  store.editHyper({ epochs: 7, earlyStoppingPatience: 0 });
  built = buildSpec(store, '/runs', 'cpu');
  assert.ok(built.ok);
  assert.equal(built.spec.epochs, 7);
  assert.equal(built.spec.earlyStoppingPatience, 0);
  // Two phases with Auto: the head phase as set, the second phase as an old twoPhase spec had it.
  store.editHyper({ epochs: 'auto', twoPhase: true, headEpochs: 3 });
  built = buildSpec(store, '/runs', 'cpu');
  assert.ok(built.ok);
  assert.deepEqual(built.spec.phases?.map((p) => p.epochs), [3, 10]);
});

test('the page\'s Auto figure is the engine\'s budget', () => {
  for (const [count, batch] of [[40, 32], [40, 16], [250, 16], [5000, 32], [100_000, 8], [1, 1]]) {
    const page = autoBudget(count, batch);
    const engine = trainingBudget({ epochs: undefined, earlyStoppingPatience: undefined, batchSize: batch }, count);
    assert.deepEqual([page.epochs, page.patience], [engine.epochs, engine.earlyStoppingPatience], `${count} images at batch ${batch}`);
  }
});

test('what Auto will mean, under each field', () => {
  const store = ready(8);
  const state = () => ({ hyper: store.hyper, dataset: store.section('dataset') });
  assert.equal(autoText('epochs', state()), 'Auto: 100 epochs for 40 training images at batch 32 (2 steps each; at least 300 optimizer steps, 10–100 epochs).');
  assert.equal(autoText('earlyStoppingPatience', state()), 'Auto: stops after 10 epochs without a better validation loss, and keeps the best weights.');
  store.setHyper({ batchSize: 16 });
  assert.match(autoText('epochs', state()), /^Auto: 100 epochs for 40 training images at batch 16 \(3 steps each;/);
  store.setHealth('/data', health(400), null);
  assert.match(autoText('epochs', state()), /^Auto: 10 epochs for 2,000 training images at batch 16 \(125 steps each;/);
  store.setDataset('/other', 'other');
  assert.equal(autoText('epochs', state()), "Auto: from the dataset's size (at least 300 optimizer steps, 10–100 epochs).");
  assert.equal(autoText('earlyStoppingPatience', state()), 'Auto: stops after a tenth of the epochs (at least 5) without a better validation loss, and keeps the best weights.');
  store.setHyper({ epochs: 20 });
  assert.equal(autoText('epochs', state()), '', 'a number needs no explanation');
  assert.equal(autoText('earlyStoppingPatience', state()), 'Auto: off, because the epochs are given.');
  store.setHyper({ epochs: 'auto', twoPhase: true });
  assert.equal(autoText('epochs', state()), 'Auto: with two phases, 10 epochs after the head-only ones.');
  assert.equal(autoText('batchSize', state()), '');
});
