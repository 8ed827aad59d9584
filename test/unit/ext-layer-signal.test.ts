// Issue 13, per-layer learning signal in the UI: the host keeps each epoch's
// gradient norm and update ratio per trainable layer and the frozen-layer
// check; the Layers view shows a five-step scale and the value; the heat
// strip colours the update ratio on a log scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostStore } from '../../src/extension/state/store';
import type { Section } from '../../src/extension/state/dashboardView';
import type { LayerSignal, TrainEvent } from '../../src/shared/events';
import { signalDescription, signalScale, signalTooltip } from '../../src/extension/views/layerSignalText';
import { heatColor } from '../../src/webview/sections/heat';
import { demoSummary } from './ext-fixtures';

const epoch = (e: number, layers?: LayerSignal[]): TrainEvent => ({ type: 'epoch', epoch: e, epochs: 3, loss: 1 / e, accuracy: 0.9, valLoss: 1 / e, valAccuracy: 0.95, lr: 0.001, layers, elapsedMs: 1000 * e, etaMs: 1000 * (3 - e) });
const signal = (layer: string, updateRatio: number, gradNorm = 0.5): LayerSignal => ({ layer, gradNorm, updateRatio });

function running() {
  const store = new HostStore();
  const changes: Set<Section>[] = [];
  store.subscribe({ changed: (s) => changes.push(s) });
  store.setModel('/models/demo', demoSummary());
  store.beginRun('demo', 3);
  return { store, changes };
}

test('each epoch\'s layers are kept per layer and epoch; the view is rows of layers by columns of epochs', () => {
  const { store, changes } = running();
  assert.equal(store.section('layerSignal'), null, 'nothing before the first epoch');
  store.applyEvent(epoch(1, [signal('dense', 2e-3, 0.8), signal('head', 1e-2, 1.5)]));
  assert.ok(changes.some((c) => c.has('layerSignal')));
  store.applyEvent(epoch(2, [signal('dense', 1e-3, 0.4), signal('head', 5e-3, 0.9)]));
  const view = store.section('layerSignal')!;
  assert.deepEqual(view.epochs, [1, 2]);
  assert.deepEqual(view.rows.map((r) => r.layer), ['dense', 'head']);
  assert.deepEqual(view.rows[0].signal, [{ gradNorm: 0.8, updateRatio: 2e-3 }, { gradNorm: 0.4, updateRatio: 1e-3 }]);
  assert.equal(view.frozen, null);
  assert.deepEqual(store.layerSignals.latest('dense'), signal('dense', 1e-3, 0.4));
  assert.equal(store.layerSignals.latest('conv2d'), undefined, 'a frozen layer has no signal');
  // A resumed run repeats an epoch: one column per epoch, the newer values.
  store.applyEvent(epoch(2, [signal('dense', 4e-3, 0.2)]));
  assert.deepEqual(store.section('layerSignal')!.epochs, [1, 2]);
  assert.deepEqual(store.section('layerSignal')!.rows[0].signal[1], { gradNorm: 0.2, updateRatio: 4e-3 });
  assert.equal(store.section('layerSignal')!.rows[1].signal[1], null, 'a layer missing from an epoch is a gap');
  // An epoch without `layers` (an older trainer) adds nothing.
  store.applyEvent(epoch(3));
  assert.deepEqual(store.section('layerSignal')!.epochs, [1, 2]);
});

test('the frozen check: verified layers get a checkmark, changed ones an alarm; a new run starts clean', () => {
  const { store } = running();
  store.applyEvent({ type: 'frozen', verified: ['conv2d', 'conv2d_1'], changed: ['dense'] });
  assert.equal(store.layerSignals.frozenState('conv2d'), 'verified');
  assert.equal(store.layerSignals.frozenState('dense'), 'changed');
  assert.equal(store.layerSignals.frozenState('flatten'), undefined);
  assert.deepEqual(store.section('layerSignal')!.frozen, { verified: ['conv2d', 'conv2d_1'], changed: ['dense'] });
  store.finishRun({ runDir: '/r', modelDir: '/r/m', backend: 'cpu', epochs: 1, bestEpoch: 1, valAccuracy: 1, valLoss: 0, confusion: { labels: [], matrix: [], files: [] }, perClass: [], stopReason: 'completed' });
  assert.ok(store.section('layerSignal'), 'kept after the run, for the tree and the strip');
  store.beginRun('again', 3);
  assert.equal(store.section('layerSignal'), null);
  assert.equal(store.layerSignals.frozenState('conv2d'), undefined);
});

test('events after the run ended (or from an old run) are ignored', () => {
  const { store } = running();
  store.failRun('boom');
  store.applyEvent({ type: 'frozen', verified: ['conv2d'], changed: [] });
  assert.equal(store.section('layerSignal'), null);
});

test('the scale: five steps, one decade each, centred on 1e-3; zero, negative or NaN is the lowest', () => {
  assert.deepEqual([1e-7, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 100].map(signalScale).join(''), '▁▁▂▃▅▇▇▇');
  assert.equal(signalScale(2.9e-3), '▃');
  assert.equal(signalScale(3.3e-3), '▅', 'rounded on the log scale: 10^-2.5 is the boundary');
  for (const x of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(signalScale(x), '▁', String(x));
});

test('the row: scale and value first in the description, both numbers in the tooltip, a checkmark or an alarm for frozen layers', () => {
  assert.equal(signalDescription(signal('dense', 0.00123, 0.0456), undefined), '▃ 1.2e-3 · ');
  assert.equal(signalDescription(undefined, 'verified'), '✓ unchanged · ');
  assert.equal(signalDescription(undefined, 'changed'), '⚠ changed · ');
  assert.equal(signalDescription(undefined, undefined), '');
  const tip = signalTooltip(signal('dense', 0.00123, 0.0456), undefined);
  assert.equal(tip[0], 'Learning signal (latest epoch): gradient norm 4.6e-2, update ratio 1.2e-3 ▃');
  assert.match(signalTooltip(undefined, 'verified')[0], /^✓ Frozen and verified: .*sha256/);
  assert.match(signalTooltip(undefined, 'changed')[0], /^⚠ Frozen, but its weights CHANGED/);
});

test('the heat strip colour: blue at 1e-6, green near 1e-3, red at 1e-1, clamped beyond, and monotonic', () => {
  assert.equal(heatColor(1e-6), 'hsl(240, 70%, 45%)');
  assert.equal(heatColor(1e-3), 'hsl(96, 70%, 45%)');
  assert.equal(heatColor(1e-1), 'hsl(0, 70%, 45%)');
  assert.equal(heatColor(10), 'hsl(0, 70%, 45%)');
  assert.equal(heatColor(0), 'hsl(240, 70%, 45%)');
  const hues = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1].map((r) => Number(/hsl\((\d+)/.exec(heatColor(r))![1]));
  assert.deepEqual([...hues].sort((a, b) => b - a), hues);
});
