// The LR finder: its suggestion rule on synthetic loss curves, the sweep's
// schedule and its divergence stop, and that a real sweep leaves every model
// variable exactly as it was.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { LrSweep, findLearningRate, suggestLearningRate, DEFAULT_SWEEP } from '../../src/engine/train/lrFinder';
import type { LoopControl } from '../../src/engine/train/callbacks';
import { oneGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { Rng } from '../../src/engine/util/rng';
import { summary } from '../../src/cli/lrFind';
import { tinyData, tinyNet } from './train-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

/** A valley in log10(lr): flat at 2, lowest (0.5) at lr = 1e-2, rising steeply after. */
const valley = (lr: number) => {
  const x = Math.log10(lr) + 2;
  return x < 0 ? 0.5 + 1.5 / (1 + Math.exp(2 * (x + 3))) : 0.5 + 3 * x * x;
};

/** Drives the sweep callback as the loop would, with a loss that depends on the rate only. */
function sweepOver(loss: (lr: number) => number) {
  const sweep = new LrSweep(DEFAULT_SWEEP);
  let lr = 0;
  let stopped: string | undefined;
  const control = { setLearningRate: (v: number) => void (lr = v), stop: (r: string) => void (stopped = r), skipValidation: () => {} } as unknown as LoopControl;
  for (let i = 0; i < 200 && !stopped; i++) {
    sweep.onBatchBegin({ epoch: 1, batch: i + 1, batchesPerEpoch: 200, size: 8 }, control);
    sweep.onBatchEnd({ epoch: 1, batch: i + 1, batchesPerEpoch: 200, size: 8, loss: loss(lr), accuracy: 0, lr, lrs: [lr] }, control);
  }
  return { points: sweep.points, stopped };
}

test('the suggestion is a tenth of the rate at the lowest smoothed loss', () => {
  const lrs = Array.from({ length: 50 }, (_, i) => 10 ** (-6 + (i * 6) / 49));
  const points = lrs.map((lr) => ({ lr, loss: valley(lr), smoothedLoss: valley(lr) }));
  const s = suggestLearningRate(points)!;
  const lowest = points.reduce((a, b) => (b.smoothedLoss < a.smoothedLoss ? b : a));
  assert.equal(s.minLossLr, lowest.lr);
  assert.ok(Math.abs(Math.log10(s.minLossLr) - -2) < 6 / 49, `${s.minLossLr} is the grid point nearest 1e-2`);
  assert.ok(Math.abs(s.lr - s.minLossLr / 10) < 1e-15);
  // A loss that only rises has no falling slope to suggest a rate on.
  assert.equal(suggestLearningRate(lrs.map((lr, i) => ({ lr, loss: i, smoothedLoss: i }))), null);
  assert.equal(suggestLearningRate([]), null);
});

test('the sweep raises the rate exponentially from 1e-7 and stops when the smoothed loss passes 4× its minimum', () => {
  const { points, stopped } = sweepOver(valley);
  assert.equal(stopped, 'diverged');
  assert.ok(points.length < 100, `${points.length} batches`);
  assert.equal(points[0].lr, 1e-7);
  const ratio = points[1].lr / points[0].lr;
  points.slice(1).forEach((p, i) => assert.ok(Math.abs(p.lr / points[i].lr - ratio) < 1e-9 * ratio, 'constant ratio'));
  assert.ok(Math.abs(ratio - (10 / 1e-7) ** (1 / 99)) < 1e-12);
  const last = points[points.length - 1];
  const min = Math.min(...points.map((p) => p.smoothedLoss));
  assert.ok(last.smoothedLoss > 4 * min && points[points.length - 2].smoothedLoss <= 4 * min);
  // Smoothing lags the raw curve, so the suggestion lands near, not at, a tenth of the valley's 1e-2.
  const s = suggestLearningRate(points)!;
  assert.ok(s.lr > 1e-4 && s.lr < 1e-2, `${s.lr}`);
  // A loss that never rises: the sweep spends its 100 batches and says so.
  const flat = sweepOver(() => 1);
  assert.equal(flat.stopped, 'finished');
  assert.equal(flat.points.length, 100);
});

test('a real sweep leaves every model variable bit-identical, ends on divergence, and suggests a rate', async () => {
  const net = tinyNet(3);
  const before = net.full.weights.map((w) => w.read().dataSync().slice());
  const tensors = tf.memory().numTensors;
  const result = await findLearningRate({
    model: net.suffix,
    prefix: net.prefix,
    train: tinyData(48, 1),
    batchSize: 8,
    rng: new Rng(1),
    makeGroups: () => oneGroup(makeOptimizer('adam', 1e-3)),
    // This tiny net learns slowly below lr 10 (its loss stays near ln 3), so the sweep reaches further to see it diverge.
    sweep: { endLr: 1e4, batches: 80 },
  });
  assert.equal(result.end, 'diverged');
  assert.ok(result.points.length > 10 && result.points.length < 80, `${result.points.length} points`);
  assert.ok(result.suggestion && result.suggestion.lr > 1e-7 && result.suggestion.lr < 1e3, JSON.stringify(result.suggestion));
  assert.match(result.suggestion.rule, /tenth of the rate at the lowest smoothed loss/);
  net.full.weights.forEach((w, i) => assert.deepEqual(w.read().dataSync(), before[i], `${w.name} changed`));
  assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  const text = summary(result);
  assert.match(text, /the sweep ended when the loss diverged \(the expected end\)/);
  assert.match(text, /Suggested learning rate: \d\.\de-\d/);
});
