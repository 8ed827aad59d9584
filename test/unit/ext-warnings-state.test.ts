// The host's warnings: checked before Start from the spec Start would send
// (debounced, stale answers dropped), replaced by the run's own `warnings`
// event, placed on the run's spec.json by `runFolder`, and cleared when another
// model or dataset opens. Also the protocol: the trainer's `warnings` request,
// the `runFolder` event and the page's `applyWarningFix` are validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HostStore } from '../../src/extension/state/store';
import { buildSpec } from '../../src/extension/state/specBuilder';
import { NextRunCheck } from '../../src/extension/warnings/nextRunCheck';
import type { RunWarning } from '../../src/shared/warnings';
import type { TrainSpec } from '../../src/shared/trainSpec';
import { TrainerRequestSchema, TrainerResultSchemas } from '../../src/shared/protocol/trainer';
import { TrainEventSchema } from '../../src/shared/protocol/schemas';
import { parseWebviewMessage } from '../../src/shared/protocol/webview';
import { demoSummary, readyStore } from './ext-fixtures';

const HIGH_LR: RunWarning = { id: 'learningRateHigh', message: 'learning rate 0.001 with 2 unfrozen convolution(s)', fix: { label: 'Use learning rate 0.0001', patch: { learningRate: 1e-4 } } };
const SMALL_VAL: RunWarning = { id: 'smallValidation', message: 'the validation set has 50 image(s)' };


/** A check whose trainer answers from `answer`, recording every spec it was asked about. */
function checker(store: HostStore, answer: (spec: TrainSpec) => Promise<RunWarning[]>) {
  const asked: TrainSpec[] = [];
  const logs: string[] = [];
  const check = new NextRunCheck(store, {
    spec: async () => buildSpec(store, '/runs', undefined),
    check: (spec) => {
      asked.push(spec);
      return answer(spec);
    },
    log: (line) => logs.push(line),
    delayMs: 5,
  });
  return { check, asked, logs };
}

const settle = async (check: NextRunCheck) => {
  await new Promise((r) => setTimeout(r, 30));
  await check.settled;
};

test('the trainer request: a spec in, RunWarning[] out; anything else is refused', () => {
  const spec = { modelDir: '/m', dataDir: '/d', runsDir: '/r' };
  assert.ok(TrainerRequestSchema.safeParse({ id: 1, method: 'warnings', params: { spec } }).success);
  assert.equal(TrainerRequestSchema.safeParse({ id: 1, method: 'warnings', params: {} }).success, false);
  assert.equal(TrainerRequestSchema.safeParse({ id: 1, method: 'warnings', params: { spec: { ...spec, batchSize: 0 } } }).success, false);
  assert.ok(TrainerResultSchemas.warnings.safeParse([HIGH_LR, SMALL_VAL]).success);
  assert.equal(TrainerResultSchemas.warnings.safeParse([{ ...SMALL_VAL, id: 'tooHot' }]).success, false, 'an id no rule has');
  assert.equal(TrainerResultSchemas.warnings.safeParse([{ ...HIGH_LR, fix: { label: 'x', patch: { learningRate: 'fast' } } }]).success, false);
  // The run names its folder in an event, so the host can put the warnings on its spec.json.
  assert.ok(TrainEventSchema.safeParse({ type: 'runFolder', dir: '/runs/r1' }).success);
  assert.equal(TrainEventSchema.safeParse({ type: 'runFolder' }).success, false);
});

test('the page names a warning by id to apply its fix, never a patch', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'applyWarningFix', warning: 'learningRateHigh' }), { ok: true, message: { type: 'applyWarningFix', warning: 'learningRateHigh' } });
  assert.equal(parseWebviewMessage({ type: 'applyWarningFix', warning: 'deleteEverything' }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'applyWarningFix', warning: 'learningRateHigh', patch: { learningRate: 5 } }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'applyWarningFix' }).ok, false);
});

test('once a model and a scanned dataset are chosen, the spec Start would send is checked, and its warnings shown', async () => {
  const store = new HostStore();
  const { check, asked } = checker(store, async () => [HIGH_LR, SMALL_VAL]);
  store.setModel('/models/demo', demoSummary());
  await settle(check);
  assert.equal(asked.length, 0, 'no dataset yet: nothing to check');
  store.setDataset('/data', 'data');
  await settle(check);
  assert.equal(asked.length, 0, 'the dataset is still being scanned');
  store.setHealth('/data', null, null);
  await settle(check);
  assert.equal(asked.length, 1);
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok);
  assert.deepEqual(asked[0], built.spec, 'exactly what Start would send');
  assert.deepEqual(store.section('warnings'), {
    source: 'nextRun',
    checking: false,
    error: null,
    items: [
      { id: 'learningRateHigh', message: HIGH_LR.message, fix: 'Use learning rate 0.0001' },
      { id: 'smallValidation', message: SMALL_VAL.message, fix: null },
    ],
  });
  assert.deepEqual(store.warnings.target, { kind: 'nextRun', spec: built.spec });
  check.dispose();
});

test('edits in quick succession ask once, for the last values; an edit that leaves the spec as it was asks nothing', async () => {
  const store = readyStore();
  const { check, asked } = checker(store, async () => []);
  store.editHyper({ learningRate: 0.01 });
  store.editHyper({ learningRate: 0.02 });
  store.editHyper({ batchSize: 4 });
  await settle(check);
  assert.equal(asked.length, 1);
  assert.equal(asked[0].learningRate, 0.02);
  assert.equal(asked[0].batchSize, 4);
  store.editHyper({ batchSize: 4 });
  await settle(check);
  assert.equal(asked.length, 1);
  check.dispose();
});

test('an answer for older choices is dropped; a failed check says why in one line', async () => {
  const store = readyStore();
  const answers: ((items: RunWarning[]) => void)[] = [];
  const { check, logs } = checker(store, () => new Promise((resolve) => answers.push(resolve)));
  store.editHyper({ learningRate: 0.01 });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(store.section('warnings').checking, true);
  store.editHyper({ learningRate: 0.00001 });
  await new Promise((r) => setTimeout(r, 30));
  answers[1]([]);
  answers[0]([HIGH_LR]); // late: its spec is no longer the next run's
  await check.settled;
  await new Promise((r) => setTimeout(r, 0)); // both answers handled
  assert.deepEqual(store.section('warnings').items, []);
  assert.equal(store.section('warnings').checking, false);
  check.dispose();

  const failing = checker(store, async () => {
    throw new Error('the model file is corrupt\n    at stack');
  });
  store.editHyper({ learningRate: 0.03 });
  await settle(failing.check);
  assert.equal(store.section('warnings').error, 'the model file is corrupt');
  assert.match(failing.logs[0], /the model file is corrupt$/);
  failing.check.dispose();
  assert.equal(logs.length, 0);
});

test("a run's own warnings replace the checked ones, runFolder puts them on its spec.json, and a new dataset or model clears them", () => {
  const store = readyStore();
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok);
  store.updateWarnings((w) => w.checked(w.beginCheck(), built.spec, { items: [SMALL_VAL] }));
  store.applyEvent({ type: 'warnings', items: [HIGH_LR] });
  assert.deepEqual(store.section('warnings').items.map((w) => w.id), ['smallValidation'], 'no run is active: a stray event changes nothing');
  store.beginRun('demo', 3);
  store.applyEvent({ type: 'warnings', items: [HIGH_LR] });
  assert.equal(store.section('warnings').source, 'run');
  assert.deepEqual(store.section('warnings').items.map((w) => w.id), ['learningRateHigh']);
  assert.deepEqual(store.warnings.target, { kind: 'runSpec', specFile: null });
  store.applyEvent({ type: 'runFolder', dir: '/runs/20261130-demo' });
  assert.deepEqual(store.warnings.target, { kind: 'runSpec', specFile: join('/runs/20261130-demo', 'spec.json') });
  store.failRun('boom');
  assert.equal(store.section('warnings').items.length, 1, 'they stay with the run after it ends');
  store.setDataset('/other', 'other');
  assert.deepEqual(store.section('warnings'), { source: 'nextRun', checking: false, error: null, items: [] });
  store.updateWarnings((w) => w.checked(w.beginCheck(), built.spec, { items: [SMALL_VAL] }));
  store.setModel('/models/demo', demoSummary());
  assert.deepEqual(store.section('warnings').items, []);
});

test('during a run nothing is checked: the run reports its own', async () => {
  const store = readyStore();
  const { check, asked } = checker(store, async () => [SMALL_VAL]);
  store.beginRun('demo', 3);
  await check.run();
  assert.equal(asked.length, 0);
  check.dispose();
});
