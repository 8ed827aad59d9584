// Ring buffer, run state machine, coalescing of dashboard updates, the
// trainer's batch throttle, crash reasons and the dashboard's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from '../../src/extension/state/ringBuffer';
import { RunMachine } from '../../src/extension/state/runMachine';
import { Coalescer, type Pending, type Timers } from '../../src/extension/state/coalescer';
import { throttleBatches } from '../../src/trainer/eventThrottle';
import { crashReason } from '../../src/extension/trainer/crashReason';
import { contentSecurityPolicy, dashboardHtml } from '../../src/extension/dashboard/html';
import type { TrainEvent } from '../../src/shared/events';

test('ring buffer keeps the newest items, oldest first', () => {
  const ring = new RingBuffer<number>(3);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.equal(ring.dropped, 2);
  assert.equal(ring.last(), 5);
  ring.clear();
  assert.deepEqual(ring.toArray(), []);
  assert.throws(() => new RingBuffer(0), RangeError);
});

test('run machine: every illegal transition is a no-op that says so', () => {
  const m = new RunMachine();
  assert.equal(m.stop(), false);
  assert.equal(m.running(), false);
  assert.equal(m.finish('completed'), false);
  assert.equal(m.start(), true);
  assert.equal(m.start(), false);
  assert.equal(m.running(), true);
  assert.equal(m.stop(), true);
  assert.equal(m.stop(), false);
  assert.equal(m.finish('cancelled'), true);
  assert.equal(m.phase, 'cancelled');
  assert.equal(m.active, false);
});

function fakeTimers() {
  let now = 0;
  const queue: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => (queue.push({ at: now + ms, fn, id: next }), next++),
    clearTimeout: (id) => queue.splice(0, queue.length, ...queue.filter((q) => q.id !== id)),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const q of [...queue].sort((a, b) => a.at - b.at)) {
      if (q.at > now) continue;
      queue.splice(queue.indexOf(q), 1);
      q.fn();
    }
  };
  return { timers, advance, now: () => now };
}

test('coalescer: a burst becomes one delivery per interval, with nothing lost', () => {
  const t = fakeTimers();
  const delivered: Pending[] = [];
  const c = new Coalescer((p) => delivered.push(p), 125, t.timers, t.now);
  for (let i = 1; i <= 100; i++) {
    c.metrics([{ step: i, epoch: 1, loss: 1, accuracy: 0 }], [], false);
    c.sections(['run']);
    t.advance(5);
  }
  t.advance(200);
  assert.ok(delivered.length <= 6, `${delivered.length} deliveries for 500 ms`);
  assert.equal(delivered.flatMap((d) => d.batches).length, 100);
  assert.deepEqual(delivered.flatMap((d) => d.batches).map((b) => b.step), Array.from({ length: 100 }, (_, i) => i + 1));
});

test('coalescer: a reset drops older pending points; discard drops everything', () => {
  const t = fakeTimers();
  const delivered: Pending[] = [];
  const c = new Coalescer((p) => delivered.push(p), 125, t.timers, t.now);
  c.metrics([{ step: 1, epoch: 1, loss: 1, accuracy: 0 }], [], false);
  c.metrics([], [], true);
  c.metrics([{ step: 1, epoch: 1, loss: 2, accuracy: 0 }], [], false);
  t.advance(200);
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0].reset, true);
  assert.deepEqual(delivered[0].batches.map((b) => b.loss), [2]);
  c.sections(['plan']);
  c.discard();
  t.advance(500);
  assert.equal(delivered.length, 1);
});

test('trainer throttle: at most ~8 batch events a second, and the last batch precedes its epoch', async () => {
  const sent: TrainEvent[] = [];
  let now = 0;
  const throttle = throttleBatches((e) => sent.push(e), 125, () => now);
  for (let b = 1; b <= 100; b++) {
    throttle.push({ type: 'batch', epoch: 1, batch: b, batchesPerEpoch: 100, loss: 1, accuracy: 0, lr: 0.1, imagesPerSec: 1 });
    now += 10; // 100 batches in one second
  }
  throttle.push({ type: 'epoch', epoch: 1, epochs: 1, loss: 1, accuracy: 0, valLoss: 1, valAccuracy: 0, lr: 0.1, elapsedMs: 1000, etaMs: 0 });
  const batches = sent.filter((e) => e.type === 'batch');
  assert.ok(batches.length <= 10, `${batches.length} batch events`);
  const beforeEpoch = sent.at(-2);
  assert.equal(beforeEpoch?.type === 'batch' ? beforeEpoch.batch : -1, 100, 'the pending last batch is flushed before the epoch');
  assert.equal(sent.at(-1)?.type, 'epoch');
});

test('crash reasons: out of memory suggests a smaller batch; a signal is named', () => {
  assert.match(crashReason(134, null, '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'), /smaller batch size/);
  assert.match(crashReason(null, 'SIGKILL', ''), /killed by SIGKILL/);
  assert.match(crashReason(1, null, 'Error: boom\n  at x\nlast line here'), /code 1: last line here/);
});

test('the dashboard CSP allows nothing by default and scripts only by nonce', () => {
  const csp = contentSecurityPolicy('vscode-resource:', 'abc123');
  assert.match(csp, /^default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const html = dashboardHtml({ cspSource: 'vscode-resource:', script: 'vscode-resource:/dist/webview.js', style: 'vscode-resource:/dist/webview.css' }, 'abc123');
  assert.match(html, /<script type="module" nonce="abc123" src="vscode-resource:\/dist\/webview.js">/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  assert.match(html, /<h1>Finetune Studio<\/h1>/);
});
