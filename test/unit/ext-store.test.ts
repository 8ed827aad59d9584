// The host store: one freeze plan seen by every view, a run state machine
// that makes double Start / early Stop harmless, and a history that a
// reopened dashboard gets in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostStore } from '../../src/extension/state/store';
import { withLayers } from '../../src/extension/state/freezePlan';
import type { RunResult, TrainEvent } from '../../src/shared/events';
import type { HealthReport } from '../../src/shared/health';
import { demoStore, demoSummary } from './ext-fixtures';


const health: HealthReport = {
  root: '/data',
  layout: 'classFolders',
  classes: ['5', '6', '7', '8', '9'].map((name) => ({ name, train: 40, validation: 10, test: 0 })),
  imbalanceRatio: 1,
  skipped: [],
  crossSplitDuplicates: [],
  tooSmall: [],
  warnings: [],
  errors: [],
};

const batch = (epoch: number, b: number): TrainEvent => ({ type: 'batch', epoch, batch: b, batchesPerEpoch: 4, loss: 1 / (epoch + b), accuracy: 0.5, lr: 0.001, imagesPerSec: 100 });
const epoch = (e: number): TrainEvent => ({ type: 'epoch', epoch: e, epochs: 3, loss: 1 / e, accuracy: 0.9, valLoss: 1 / e, valAccuracy: 0.95, lr: 0.001, elapsedMs: 1000 * e, etaMs: 1000 * (3 - e) });

function result(stopReason: RunResult['stopReason'] = 'completed'): RunResult {
  return {
    runDir: '/runs/r1',
    modelDir: '/runs/r1/model',
    backend: 'cpu',
    epochs: 3,
    bestEpoch: 3,
    valAccuracy: 0.98,
    valLoss: 0.05,
    confusion: { labels: ['5', '6'], matrix: [[9, 1], [0, 10]], files: [[['5/a.png'], ['5/b.png']], [[], ['6/c.png']]] },
    perClass: [],
    stopReason,
  };
}

test('a plan change notifies both the tree (layers) and the dashboard (plan) with the same counts', () => {
  const { store, changes } = demoStore();
  const before = store.section('plan')!.trainableParams;
  store.setPlan(withLayers(store.model!.planModel, store.plan!, [5], true));
  assert.deepEqual([...changes.at(-1)!].sort(), ['layers', 'plan']);
  assert.equal(store.section('plan')!.trainableParams - before, 589_952);
  assert.equal(store.section('layers')[5].trainable, true);
});

test('head params join the count once the dataset says how many classes there are', () => {
  const { store } = demoStore();
  assert.equal(store.section('plan')!.headParams, null);
  store.setDataset('/data', 'data');
  store.setHealth('/data', health, null);
  assert.equal(store.section('plan')!.headParams, 128 * 5 + 5);
  store.setHealth('/elsewhere', null, 'late answer for another folder');
  assert.equal(store.section('dataset')!.error, null);
});

test('double Start is refused while a run is active; Stop before Start does nothing', () => {
  const { store } = demoStore();
  assert.equal(store.requestStop(), false, 'stop before start');
  assert.equal(store.run.phase, 'idle');
  assert.equal(store.beginRun('r', 3), true);
  assert.equal(store.beginRun('r', 3), false, 'double start');
  assert.equal(store.requestStop(), true);
  assert.equal(store.requestStop(), false, 'double stop');
  store.finishRun(result('cancelled'));
  assert.equal(store.run.phase, 'cancelled');
  store.finishRun(result()); // a late duplicate end changes nothing
  assert.equal(store.run.phase, 'cancelled');
  assert.equal(store.beginRun('r2', 3), true, 'a finished run can be followed by a new one');
});

test('events build the history; a snapshot holds every epoch so far', () => {
  const { store } = demoStore();
  const metrics: number[] = [];
  store.subscribe({ metrics: (b, e, reset) => !reset && metrics.push(b.length + e.length) });
  store.beginRun('r', 3);
  for (let e = 1; e <= 3; e++) {
    for (let b = 1; b <= 4; b++) store.applyEvent(batch(e, b));
    store.applyEvent(epoch(e));
  }
  assert.equal(store.run.phase, 'running');
  assert.equal(store.history.epochs.toArray().length, 3);
  assert.deepEqual(store.history.batches.toArray().map((p) => p.step), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(store.run.epoch, 3);
  assert.equal(metrics.length, 15);
  store.applyEvent({ type: 'done', result: result() });
  assert.equal(store.run.phase, 'completed');
  assert.equal(store.section('results')!.valAccuracy, 0.98);
  store.applyEvent(epoch(4));
  assert.equal(store.history.epochs.length, 3, 'events after the end are ignored');
});

test('a new run clears the previous history and results', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  store.applyEvent(epoch(1));
  store.applyEvent({ type: 'done', result: result() });
  let reset = false;
  store.subscribe({ metrics: (_b, _e, r) => (reset = r) });
  store.beginRun('r2', 3);
  assert.equal(reset, true);
  assert.equal(store.history.epochs.length, 0);
  assert.equal(store.section('results'), null);
});

test('an error event fails the run with its message', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  store.applyEvent({ type: 'error', message: 'Loss became NaN at epoch 2, batch 3' });
  assert.equal(store.run.phase, 'failed');
  assert.match(store.run.message ?? '', /NaN/);
});

test('file ids are opaque, stable per path, and never reused after a clear', () => {
  const store = new HostStore();
  const a = store.files.idFor('/data/5/a.png');
  assert.match(a, /^f\d+$/);
  assert.equal(store.files.idFor('/data/5/a.png'), a);
  assert.equal(store.files.resolve(a), '/data/5/a.png');
  store.files.clear();
  assert.equal(store.files.resolve(a), undefined);
  assert.notEqual(store.files.idFor('/data/6/b.png'), a);
});

test('a Stop that had to kill the trainer ends the run as stopped, not failed', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  store.applyEvent(epoch(1));
  store.requestStop();
  store.stoppedWithoutModel();
  assert.equal(store.run.phase, 'cancelled');
  assert.equal(store.run.outcome, 'Stopped after 1 epoch; no model was saved');
  assert.equal(store.history.epochs.length, 1, 'the history so far is kept');
  store.failRun('late crash report');
  assert.equal(store.run.phase, 'cancelled', 'a late failure does not overwrite the end');
});

test('Stop during decoding or feature extraction: "Stopped before training", never a failure', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  store.applyEvent({ type: 'progress', stage: 'decode', done: 10, total: 1000, etaMs: null });
  store.requestStop();
  store.stoppedWithoutModel();
  assert.equal(store.run.phase, 'cancelled');
  assert.equal(store.run.outcome, 'Stopped before training');
  assert.equal(store.run.message, 'Stopped before training');
  assert.equal(store.run.stage, null);
});

test('the end of a run is described by the line the Runs view shows', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  store.applyEvent({ type: 'done', result: result() });
  assert.equal(store.run.outcome, 'Completed · 3 epochs · val acc 98.0% (best epoch 3)');
  store.beginRun('r2', 3);
  store.requestStop();
  store.finishRun({ ...result('cancelled'), epochs: 0, bestEpoch: 0, valAccuracy: 0.864 });
  assert.equal(store.run.outcome, 'Stopped during epoch 1 · val acc 86.4%');
});

test('changing the model or the dataset clears a finished run from the screen', () => {
  const { store } = demoStore();
  store.setDataset('/data', 'data');
  store.setHealth('/data', health, null);
  store.beginRun('r', 3);
  store.applyEvent(epoch(1));
  store.failRun('boom');
  const resets: boolean[] = [];
  store.subscribe({ metrics: (_b, _e, reset) => resets.push(reset) });
  store.setDataset('/other', 'other');
  assert.equal(store.run.phase, 'idle', 'no stale "Failed" after a dataset change');
  assert.equal(store.run.message, null);
  assert.equal(store.history.epochs.length, 0);
  assert.deepEqual(resets, [true], 'the charts are told to clear');
  store.beginRun('r2', 3);
  store.applyEvent({ type: 'done', result: result() });
  store.setModel('/models/other', demoSummary());
  assert.equal(store.run.phase, 'idle');
  assert.equal(store.section('results'), null, 'results of the earlier model leave the screen');
  assert.equal(store.beginRun('r3', 3), true);
  store.setDataset('/third', 'third');
  assert.equal(store.run.phase, 'starting', 'a run in progress is left alone');
});

test("a model's suggestion fills untouched fields and offers the rest; the user's edits are kept", () => {
  const { store } = demoStore();
  store.editHyper({ batchSize: 3, epochs: 10 });
  store.suggest('the demo model', { batchSize: 16, epochs: 30, learningRate: 0.005, seed: store.hyper.seed });
  assert.equal(store.hyper.batchSize, 3, 'an edited field is not overwritten');
  assert.equal(store.hyper.epochs, 10);
  assert.equal(store.hyper.learningRate, 0.005, 'an untouched field takes the suggestion');
  assert.deepEqual(store.section('suggestion'), {
    source: 'the demo model',
    changes: [
      { key: 'batchSize', yours: '3', suggested: '16' },
      { key: 'epochs', yours: '10', suggested: '30' },
    ],
  });
  store.useSuggestion();
  assert.equal(store.hyper.batchSize, 16);
  assert.equal(store.hyper.epochs, 30);
  assert.equal(store.section('suggestion'), null);
  store.suggest('the demo model', { batchSize: 8 });
  assert.equal(store.hyper.batchSize, 8, 'after taking the suggestion the field counts as untouched');
  store.editHyper({ epochs: 30 });
  store.suggest('the demo model', { epochs: 30 });
  assert.equal(store.section('suggestion'), null, 'nothing to offer when the values agree');
});

test('skipped files get host-issued ids to open; ids stay valid across a run', () => {
  const { store } = demoStore();
  store.setDataset('/data', 'data');
  store.setHealth('/data', { ...health, skipped: [{ file: '5/bad.png', reason: 'corrupt' }, { file: 'notes/', reason: 'loop' }, { file: '../escape.png', reason: 'x' }] }, null);
  const view = store.section('dataset')!;
  assert.equal(view.skippedFiles.length, 3);
  const [bad, folder, escape] = view.skippedFiles;
  assert.equal(store.files.resolve(bad.id), '/data/5/bad.png');
  assert.equal(folder.id, '', 'a folder entry is not a file to open');
  assert.equal(escape.id, '', 'nothing outside the dataset folder gets an id');
  store.beginRun('r', 3);
  store.applyEvent({ type: 'done', result: result() });
  assert.equal(store.files.resolve(bad.id), '/data/5/bad.png');
});

test('the ETA follows the pace of batches between epoch ends', () => {
  let now = 0;
  const store = new HostStore(() => now);
  store.setModel('/m', demoSummary());
  store.beginRun('r', 2);
  store.applyEvent({ type: 'batch', epoch: 1, batch: 1, batchesPerEpoch: 10, loss: 1, accuracy: 0, lr: 0.1, imagesPerSec: 10 });
  assert.equal(store.run.etaMs, null, 'no pace yet');
  now = 1000;
  store.applyEvent({ type: 'batch', epoch: 1, batch: 5, batchesPerEpoch: 10, loss: 1, accuracy: 0, lr: 0.1, imagesPerSec: 10 });
  // 4 batches a second; 15 of 20 batches left.
  assert.equal(store.run.etaMs, 3750);
});

test('the run names the device: the WebGPU adapter when there is one, else GPU or CPU', () => {
  const { store } = demoStore();
  store.beginRun('r', 3);
  const adapter = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true };
  store.applyEvent({ type: 'backend', report: { name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', gpu: false, adapter, skipped: [] } });
  assert.equal(store.run.backend, 'webgpu');
  assert.equal(store.run.device, 'mesa software llvmpipe (llvmpipe: Mesa 25.0.7), software');
  store.applyEvent({ type: 'backend', report: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, skipped: [] } });
  assert.equal(store.run.device, 'CPU');
});

test('the input range chosen for one model does not carry over to the next', () => {
  const { store, changes } = demoStore();
  store.editHyper({ inputRange: '0,1', epochs: 7 });
  changes.length = 0;
  store.setModel('/models/other', demoSummary());
  assert.equal(store.hyper.inputRange, 'auto', 'the next model starts from its own preprocessing');
  assert.equal(store.hyper.epochs, 7, 'other edits are kept');
  assert.ok(changes.some((c) => c.has('hyper')), 'the dashboard is told');
  changes.length = 0;
  store.setModel('/models/third', demoSummary());
  assert.ok(!changes.some((c) => c.has('hyper')), 'nothing to tell when the range was already auto');
});
