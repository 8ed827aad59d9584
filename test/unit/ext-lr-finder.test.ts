// Issue 13, the LR finder in the dashboard: the host owns the sweep's state
// (a reopened dashboard shows it again), "diverged" is a normal end, the
// suggestion is applied as shown and only when it is the one on screen, and
// Start and the finder block each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLayers } from '../../src/extension/state/freezePlan';
import type { LrFindResult } from '../../src/shared/lrFind';
import { parseWebviewMessage } from '../../src/shared/protocol/webview';
import { startBlocker } from '../../src/shared/readiness';
import { shortExp, shownRate } from '../../src/shared/format';
import { demoStore, demoSummary } from './ext-fixtures';

const RULE = 'a tenth of the rate at the lowest smoothed loss';

function sweep(end: LrFindResult['end'] = 'diverged', lr = 0.000321987): LrFindResult {
  const points = Array.from({ length: 60 }, (_, i) => {
    const rate = 1e-7 * 10 ** (i / 8);
    const loss = 2 - Math.min(i, 40) * 0.04 + Math.max(0, i - 50) ** 2;
    return { lr: rate, loss, smoothedLoss: loss };
  });
  return { points, end, suggestion: { lr, minLossLr: lr * 10, rule: RULE } };
}

function store() {
  const { store: s, changes } = demoStore();
  return { s, changes };
}

test('a sweep: progress, then a diverged end shown as the expected end, held by the host for a reopened dashboard', () => {
  const { s, changes } = store();
  assert.equal(s.lrFinder.begin(), true);
  assert.equal(s.lrFinder.begin(), false, 'one sweep at a time');
  assert.ok(changes.at(-1)!.has('lrFinder'));
  s.lrFinder.apply({ type: 'progress', stage: 'features', done: 40, total: 200, etaMs: null });
  assert.deepEqual(s.section('lrFinder')?.stage, { name: 'features', done: 40, total: 200 });
  s.lrFinder.apply({ type: 'log', level: 'info', message: 'LR finder: sweeping 3 trainable layer(s) over up to 100 batches' });
  assert.equal(s.section('lrFinder')?.stage, null);
  s.lrFinder.finish(sweep());
  const view = s.snapshot().lrFinder!;
  assert.equal(view.phase, 'done');
  assert.equal(view.message, 'LR finder: the loss diverged after 60 batches, as a sweep is meant to end; suggested learning rate 3.2e-4.');
  assert.equal(view.result?.suggestion?.rule, RULE);
  assert.equal(s.lrFinder.active, false);
});

test('Stop: a sweep stopped mid-way keeps its points; stopped before any batch it says so; a failure says why', () => {
  const { s } = store();
  s.lrFinder.begin();
  assert.equal(s.lrFinder.stop(), true);
  assert.equal(s.section('lrFinder')?.phase, 'stopping');
  assert.equal(s.lrFinder.stop(), false, 'already stopping');
  s.lrFinder.finish(sweep('cancelled'));
  assert.equal(s.section('lrFinder')?.phase, 'cancelled');
  assert.match(s.section('lrFinder')?.message ?? '', /^LR finder: stopped after 60 batches; suggested learning rate 3\.2e-4\.$/);

  s.lrFinder.begin();
  s.lrFinder.stop();
  s.lrFinder.cancelled();
  assert.deepEqual(s.section('lrFinder'), { phase: 'cancelled', stage: null, message: 'The LR finder was stopped before it swept.', result: null });

  s.lrFinder.begin();
  s.lrFinder.fail('Out of memory.');
  assert.equal(s.section('lrFinder')?.message, 'The LR finder failed: Out of memory.');
  s.lrFinder.finish(sweep());
  assert.equal(s.section('lrFinder')?.phase, 'failed', 'a late answer after the end changes nothing');

  s.lrFinder.begin();
  s.lrFinder.finish({ points: sweep().points, end: 'completed', suggestion: null });
  assert.equal(s.section('lrFinder')?.message, 'LR finder: swept the whole range in 60 batches without the loss diverging; no rate to suggest: the loss never fell.');
});

test('a new model, dataset or plan clears the result (it swept the old one); a running sweep is left alone', () => {
  const { s } = store();
  s.lrFinder.begin();
  s.lrFinder.finish(sweep());
  s.setPlan(withLayers(s.model!.planModel, s.plan!, [5], true));
  assert.equal(s.section('lrFinder'), null);
  s.lrFinder.begin();
  s.lrFinder.finish(sweep());
  s.setDataset('/data', 'data');
  assert.equal(s.section('lrFinder'), null);
  s.lrFinder.begin();
  s.setModel('/models/other', demoSummary());
  assert.equal(s.section('lrFinder')?.phase, 'running');
});

test('the suggestion is applied as shown, only when it is the one on screen', () => {
  const { s } = store();
  assert.deepEqual(s.lrFinder.checkSuggestion(0.00032), { ok: false, message: 'The LR finder has no suggestion to apply; run it first. The learning rate was kept.' });
  s.lrFinder.begin();
  s.lrFinder.finish(sweep('diverged', 0.000321987));
  assert.equal(shortExp(0.000321987), '3.2e-4');
  assert.equal(shownRate(0.000321987), 0.00032);
  assert.deepEqual(s.lrFinder.checkSuggestion(0.00032), { ok: true, lr: 0.00032 });
  assert.deepEqual(s.lrFinder.checkSuggestion(0.000321987), { ok: false, message: 'The LR finder suggests 3.2e-4, not 0.000321987; the learning rate was kept.' });
  assert.deepEqual(s.lrFinder.checkSuggestion(0.01), { ok: false, message: 'The LR finder suggests 3.2e-4, not 0.01; the learning rate was kept.' });
  assert.equal(s.hyper.learningRate, 0.001, 'nothing applied by a refused request');
});

test('useLrSuggestion: the page\'s request is validated; bad input is refused with a one-line reason', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'useLrSuggestion', learningRate: 0.00032 }), { ok: true, message: { type: 'useLrSuggestion', learningRate: 0.00032 } });
  assert.deepEqual(parseWebviewMessage({ type: 'lrFind' }), { ok: true, message: { type: 'lrFind' } });
  for (const bad of [-1, 0, 11, 'abc', Number.NaN, Number.POSITIVE_INFINITY, null]) {
    const parsed = parseWebviewMessage({ type: 'useLrSuggestion', learningRate: bad });
    assert.equal(parsed.ok, false, String(bad));
    if (!parsed.ok) assert.match(parsed.error, /^learningRate: .+$/);
  }
  const missing = parseWebviewMessage({ type: 'useLrSuggestion' });
  assert.equal(missing.ok, false);
  assert.equal(parseWebviewMessage({ type: 'useLrSuggestion', learningRate: 0.001, modelDir: '/etc' }).ok, false, 'no unknown keys');
  assert.equal(parseWebviewMessage({ type: 'lrFind', spec: {} }).ok, false);
});

test('Start and the LR finder block each other', () => {
  const base = { trusted: true, model: {} as never, dataset: { scanning: false, error: null, health: null } as never, run: { phase: 'idle' } as never };
  assert.equal(startBlocker(base), null);
  assert.equal(startBlocker({ ...base, lrFinder: { phase: 'running', stage: null, message: null, result: null } }), 'The LR finder is running.');
  assert.equal(startBlocker({ ...base, lrFinder: { phase: 'stopping', stage: null, message: null, result: null } }), 'The LR finder is running.');
  assert.equal(startBlocker({ ...base, lrFinder: { phase: 'done', stage: null, message: null, result: sweep() } }), null);
  assert.equal(startBlocker({ ...base, run: { phase: 'running' } as never }), 'A run is in progress.');
});
