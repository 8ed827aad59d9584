// The Runs view's rules: metrics read robustly, interrupted runs detected,
// newest first, spec built from the host state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochHistory, folderTime, isActiveRun, runRow, runStatus, runSummary, sortNewestFirst, summarizeMetrics, type RunInfo } from '../../src/extension/runs/runInfo';
import { isFolderOfRun, outcomeLine, parseOutcome } from '../../src/shared/runOutcome';
import { buildSpec, runName } from '../../src/extension/state/specBuilder';
import { HostStore } from '../../src/extension/state/store';
import { withTopK } from '../../src/extension/state/freezePlan';
import { demoSummary } from './ext-fixtures';

test('metrics.jsonl: best val accuracy and epochs, skipping torn and foreign lines', () => {
  const text = ['{"epoch":1,"valAccuracy":0.8}', '{"epoch":2,"valAccuracy":0.93}', 'not json', '{"epoch":3,"valAccuracy":0.9}', '{"epoch":4,"valAcc', ''].join('\n');
  assert.deepEqual(summarizeMetrics(text), { epochs: 3, bestValAccuracy: 0.93 });
  assert.deepEqual(summarizeMetrics(''), { epochs: 0, bestValAccuracy: null });
  assert.deepEqual(summarizeMetrics('{"epoch":1,"valAccuracy":null}'), { epochs: 1, bestValAccuracy: null });
});

test('a run without a saved model is interrupted unless this window trains it', () => {
  assert.equal(runStatus(true, false), 'completed');
  assert.equal(runStatus(false, false), 'interrupted');
  assert.equal(runStatus(false, true), 'running');
  const started = Date.UTC(2026, 10, 29, 1, 44, 17, 500);
  assert.equal(folderTime('20261129-014417-demo'), Date.UTC(2026, 10, 29, 1, 44, 17));
  assert.equal(isActiveRun('20261129-014417-demo', started), true);
  assert.equal(isActiveRun('20261128-235959-demo', started), false, 'an older folder is not the active run');
  assert.equal(isActiveRun('20261129-014417-demo', null), false);
  assert.equal(folderTime('my-folder'), null);
});

test('a recorded outcome decides the status; the row says it in the dashboard\'s words', () => {
  const stoppedEarly = parseOutcome('{"status":"stopped","epochs":0,"valAccuracy":0.864,"bestEpoch":0}');
  assert.ok(stoppedEarly);
  assert.equal(runStatus(true, false, stoppedEarly), 'stopped', 'a run stopped in epoch 1 is not "completed"');
  assert.equal(runSummary('stopped', stoppedEarly, 0, null), 'Stopped during epoch 1 · val acc 86.4%');
  const beforeTraining = parseOutcome('{"status":"stopped","epochs":0,"valAccuracy":null,"bestEpoch":null}');
  assert.equal(runStatus(false, false, beforeTraining), 'stopped', 'not "interrupted · 0 epochs"');
  assert.equal(outcomeLine(beforeTraining!), 'Stopped before training');
  const failed = parseOutcome('{"status":"failed","epochs":0,"valAccuracy":null,"bestEpoch":null,"message":"training diverged"}');
  assert.equal(runSummary('failed', failed, 2, 0.5), 'Failed: training diverged');
  assert.equal(runSummary('completed', parseOutcome('{"status":"completed","epochs":15,"valAccuracy":0.974,"bestEpoch":12}'), 15, 0.97), 'Completed · 15 epochs · val acc 97.4% (best epoch 12)');
  assert.equal(runSummary('interrupted', null, 3, 0.8), 'Interrupted · 3 epochs · best val acc 80.0%');
  for (const bad of ['', 'not json', '{"status":"exploded"}', '[]', 'null']) assert.equal(parseOutcome(bad), null, bad);
  const row = runRow({ id: '20261130-033000-demo-cnn', dir: '/r', status: 'stopped', epochsDone: 0, bestValAccuracy: 0.864, modelDir: '/r/model', summary: '' });
  assert.deepEqual(row, { label: 'Stopped · 86.4%', description: '2026-11-30 03:30 demo-cnn' }, 'status and figure lead the row, so truncation cannot hide them');
});

test('the folder of a run that ended without a result is found by its start time and name', () => {
  const since = Date.UTC(2026, 10, 30, 3, 30, 0, 700);
  assert.equal(isFolderOfRun('20261130-033000-demo-cnn', since, 'demo-cnn'), true, 'same second');
  assert.equal(isFolderOfRun('20261130-033001-demo-cnn-2', since, 'demo-cnn'), true, 'a clash suffix');
  assert.equal(isFolderOfRun('20261130-032959-demo-cnn', since, 'demo-cnn'), false, 'an earlier run');
  assert.equal(isFolderOfRun('20261130-033005-other', since, 'demo-cnn'), false, 'another name');
  assert.equal(isFolderOfRun('20261130-033005-other', since, undefined), true);
  assert.equal(isFolderOfRun('notes', since, undefined), false);
});

test('runs sort newest first', () => {
  const run = (id: string): RunInfo => ({ id, dir: `/r/${id}`, status: 'completed', epochsDone: 1, bestValAccuracy: null, modelDir: null, summary: 'Completed · 1 epoch' });
  assert.deepEqual(sortNewestFirst([run('20261128-100000-a'), run('20261129-090000-b'), run('20261129-080000-c')]).map((r) => r.id), ['20261129-090000-b', '20261129-080000-c', '20261128-100000-a']);
});

test('the spec is built from the host state and validated; missing pieces are named', () => {
  const store = new HostStore();
  assert.deepEqual(buildSpec(store, '/runs', undefined), { ok: false, reason: 'Open a model first.' });
  store.setModel('/models/demo', demoSummary());
  assert.equal(buildSpec(store, '/runs', undefined).ok, false);
  store.setDataset('/data', 'data');
  assert.match((buildSpec(store, '/runs', undefined) as { reason: string }).reason, /still being scanned/);
  store.setHealth('/data', null, null);
  store.setPlan(withTopK(store.model!.planModel, store.plan!, 2));
  store.setHyper({ epochs: 4, twoPhase: true, headEpochs: 9 });
  const built = buildSpec(store, '/runs', 'cpu');
  assert.ok(built.ok);
  if (!built.ok) return;
  assert.equal(built.spec.train, 'top:2');
  assert.equal(built.spec.cut, 'dropout_1');
  assert.equal(built.spec.backend, 'cpu');
  // The dashboard's two-phase switch arrives as phases: the head, then the plan at lr × multiplier.
  assert.deepEqual(built.spec.phases, [{ train: 'head', epochs: 3 }, { train: 'top:2', epochs: 4, groups: [{ layers: 'all', lrMultiplier: 0.1 }] }], 'phase 1 leaves at least one epoch for phase 2');
  assert.equal(built.spec.name, 'demo-cnn');
  assert.equal(built.spec.inputRange, undefined, "the dashboard's default input range takes it from the model");
  store.setHyper({ inputRange: 'caffe' });
  const chosen = buildSpec(store, '/runs', 'cpu');
  assert.ok(chosen.ok && chosen.spec.inputRange === 'caffe', 'the chosen input range goes into the spec');
});

test('run names are safe folder labels', () => {
  assert.equal(runName('MobileNet V2 (1.0)'), 'MobileNet-V2-1.0');
  assert.equal(runName('../../etc'), '..-..-etc');
  assert.equal(runName('///'), 'run');
  assert.ok(runName('x'.repeat(200)).length <= 64);
});

test('a resumed run starts its chart with the epochs already logged', () => {
  const text = ['{"epoch":1,"loss":1,"accuracy":0.5,"valLoss":1.1,"valAccuracy":0.6}', '{"epoch":2,"loss":0.5,"accuracy":0.8,"valLoss":0.6,"valAccuracy":0.85}', '{"epoch":2,"loss":0.4,"accuracy":0.82,"valLoss":0.5,"valAccuracy":0.86}', '{"epo'].join('\n');
  const history = epochHistory(text);
  assert.deepEqual(history.map((h) => h.epoch), [1, 2]);
  assert.equal(history[1].valAccuracy, 0.86, 'a repeated epoch keeps its last line');
  const store = new HostStore();
  store.beginRun('r', 5, history);
  assert.equal(store.history.epochs.length, 2);
  store.applyEvent({ type: 'epoch', epoch: 2, epochs: 5, loss: 0.3, accuracy: 0.9, valLoss: 0.4, valAccuracy: 0.9, lr: 0.001, elapsedMs: 1, etaMs: 1 });
  store.applyEvent({ type: 'epoch', epoch: 3, epochs: 5, loss: 0.2, accuracy: 0.9, valLoss: 0.3, valAccuracy: 0.92, lr: 0.001, elapsedMs: 1, etaMs: 1 });
  assert.deepEqual(store.history.epochs.toArray().map((p) => p.epoch), [1, 2, 3]);
});

test('a Graph model trains a head on its features: no cut, plan head', () => {
  const store = new HostStore();
  store.setModel('/models/mobilenet-v3-fv', { name: 'fv', format: 'graph', layers: [], totalParams: 0, trainableParams: 0, inputShape: [null, 224, 224, 3], defaultCut: null });
  store.setDataset('/data', 'data');
  store.setHealth('/data', null, null);
  const built = buildSpec(store, '/runs', undefined);
  assert.ok(built.ok, JSON.stringify(built));
  if (built.ok) {
    assert.equal(built.spec.cut, undefined);
    assert.equal(built.spec.train, 'head');
  }
});
