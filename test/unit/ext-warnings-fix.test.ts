// Warnings in the Problems panel and their fixes: each warning maps to one
// diagnostic on the line of the spec field it is about (severity Warning,
// source Finetune, code its id), and a fix's patch changes the dashboard's
// hyperparameters or freeze plan. A malformed patch is refused with one line
// and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostStore } from '../../src/extension/state/store';
import { buildSpec } from '../../src/extension/state/specBuilder';
import { withPreset } from '../../src/extension/state/freezePlan';
import { diagnosticPlace, fieldRange, specText, warningDiagnostics, WARNING_FIELD } from '../../src/extension/warnings/diagnosticMap';
import { applyWarningPatch } from '../../src/extension/warnings/applyFix';
import { WARNING_IDS, type RunWarning } from '../../src/shared/warnings';
import { readyStore } from './ext-fixtures';


/** The next run's spec, with phases (whose own `train` keys must not catch the warning about the top-level one), as text. */
function textWithPhases(store: HostStore): string {
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok);
  return specText({ ...built.spec, phases: [{ train: 'head', epochs: 1 }, { train: 'all', epochs: 2 }] });
}

test('each warning is one Warning diagnostic on the line of its field, coded by its id', () => {
  const text = textWithPhases(readyStore());
  const lines = text.split('\n');
  const items: RunWarning[] = [
    { id: 'learningRateHigh', message: 'learning rate too high', fix: { label: 'Use learning rate 0.0001', patch: { learningRate: 1e-4 } } },
    { id: 'fewImagesWideTraining', message: 'few images', fix: { label: 'Train the head only', patch: { train: 'head' } } },
    { id: 'duplicatesAcrossSplits', message: '3 duplicates' },
  ];
  const diagnostics = warningDiagnostics(items, text);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.source, d.fix]), [
    ['learningRateHigh', 'warning', 'Finetune', 'Use learning rate 0.0001'],
    ['fewImagesWideTraining', 'warning', 'Finetune', 'Train the head only'],
    ['duplicatesAcrossSplits', 'warning', 'Finetune', null],
  ]);
  const [lr, train, dupes] = diagnostics.map((d) => d.range);
  assert.equal(lines[lr.startLine].slice(lr.startCharacter, lr.endCharacter), '"learningRate": 0.001');
  // `train` also appears inside phases; the top-level key is the one that says what trains.
  assert.match(lines[train.startLine], /^ {2}"train": /);
  assert.equal(lines[dupes.startLine].slice(dupes.startCharacter, dupes.endCharacter), '"dataDir": "/data"');
  assert.equal(diagnostics[0].message, 'learning rate too high');
});

test('every warning id has a field, and a field missing from the text falls back to the first line', () => {
  assert.deepEqual(Object.keys(WARNING_FIELD).sort(), [...WARNING_IDS].sort());
  assert.deepEqual(fieldRange('{\n  "modelDir": "/m"\n}\n', 'batchNormMode'), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 1 });
  assert.deepEqual(fieldRange('', 'learningRate'), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 });
});

test("the diagnostics' place: the next run's spec text before a run, the run's spec.json once its folder is named", () => {
  const store = readyStore();
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok);
  assert.equal(diagnosticPlace({ kind: 'nextRun', spec: null }), null, 'no next run yet');
  assert.deepEqual(diagnosticPlace({ kind: 'nextRun', spec: built.spec }), { kind: 'nextRun', text: JSON.stringify(built.spec, null, 2) + '\n' });
  assert.equal(diagnosticPlace({ kind: 'runSpec', specFile: null }), null, "the run's folder is not named yet");
  assert.deepEqual(diagnosticPlace({ kind: 'runSpec', specFile: '/runs/r1/spec.json' }), { kind: 'runSpec', file: '/runs/r1/spec.json' });
});

test('fixes change the hyperparameters and the plan the next Start sends, as the user’s own edits', () => {
  const store = readyStore();
  store.setPlan(withPreset(store.model!.planModel, store.plan!, 'all'));
  store.editHyper({ batchNormMode: 'batch' });
  assert.deepEqual(applyWarningPatch(store, { learningRate: 1e-4 }), { ok: true, changed: ['learningRate'] });
  assert.equal(store.hyper.learningRate, 1e-4);
  assert.ok(store.edited.has('learningRate'), 'no model suggestion overwrites a fix');
  assert.deepEqual(applyWarningPatch(store, { batchNormMode: 'inference' }), { ok: true, changed: ['batchNormMode'] });
  assert.deepEqual(applyWarningPatch(store, { train: 'head' }), { ok: true, changed: ['train'] });
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok);
  assert.equal(built.spec.learningRate, 1e-4);
  assert.equal(built.spec.batchNormMode, 'inference');
  assert.equal(built.spec.train, 'head');
  assert.deepEqual(applyWarningPatch(store, { train: 'top:2' }), { ok: true, changed: ['train'] });
  const topK = buildSpec(store, '/runs', undefined);
  assert.ok(topK.ok);
  assert.equal(topK.spec.train, 'top:2');
});

test('a malformed or inapplicable patch is refused with one clear line, and nothing changes', () => {
  const store = readyStore();
  store.setPlan(withPreset(store.model!.planModel, store.plan!, 'all'));
  const before = () => JSON.stringify([store.hyper, [...store.plan!.trainable], store.plan!.cut, [...store.edited]]);
  const snapshot = before();
  const refusals: [unknown, RegExp][] = [
    [undefined, /^Not a fix this dashboard can apply: patch: /],
    [null, /^Not a fix this dashboard can apply: patch: /],
    ['learningRate=0', /^Not a fix this dashboard can apply: patch: /],
    [{}, /^Not a fix this dashboard can apply: patch: the fix changes nothing$/],
    [{ learningRate: -1 }, /^Not a fix this dashboard can apply: learningRate: /],
    [{ learningRate: Number.NaN }, /^Not a fix this dashboard can apply: learningRate: /],
    [{ learningRate: 1e-4, epochs: 1 }, /^Not a fix this dashboard can apply: patch: Unrecognized key/],
    [{ batchNormMode: 'sometimes' }, /^Not a fix this dashboard can apply: batchNormMode: /],
    [{ learningRate: 1e-4, train: 'top:two' }, /^Not a fix this dashboard can apply: train: /],
    // Valid for a spec, but the dashboard's plan has no such preset: the learning rate in the same patch is not applied either.
    [{ learningRate: 1e-4, train: 'gradual' }, /^The dashboard's plan cannot take train "gradual"; set it by hand\.$/],
  ];
  for (const [patch, why] of refusals) {
    const result = applyWarningPatch(store, patch);
    assert.equal(result.ok, false, JSON.stringify(patch));
    if (!result.ok) {
      assert.match(result.error, why);
      assert.ok(!result.error.includes('\n'), 'one line');
    }
    assert.equal(before(), snapshot, `${JSON.stringify(patch)} changed nothing`);
  }
  store.beginRun('demo', 3);
  assert.deepEqual(applyWarningPatch(store, { learningRate: 1e-4 }), { ok: false, error: 'A run is in progress: apply the fix once it ends.' });
  assert.equal(before(), snapshot);
  const empty = new HostStore();
  assert.deepEqual(applyWarningPatch(empty, { train: 'head' }), { ok: false, error: 'Open a model first: the fix changes which of its layers train.' });
});
