// Pareto fronts, the recommendation, seed statistics and sweep.csv: pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paretoFront } from '../../src/shared/pareto';
import { summarize, RECOMMEND_TOLERANCE } from '../../src/engine/sweep/recommend';
import { candidateRows, rowsCsv, spread } from '../../src/engine/sweep/rows';
import type { CandidateRow, SweepMember } from '../../src/shared/sweep';

const pt = (id: string, accuracy: number, cost: number) => ({ id, accuracy, cost });

test('the front keeps exactly the points nothing beats on both accuracy and cost, cheapest first', () => {
  const points = [pt('a', 0.9, 10), pt('b', 0.8, 5), pt('c', 0.85, 12), pt('d', 0.95, 30), pt('e', 0.7, 5), pt('f', 0.9, 10), pt('g', NaN, 1)];
  // c is beaten by a (more accurate, cheaper); e by b (same cost, more accurate); f ties a exactly; g has no accuracy.
  assert.deepEqual(paretoFront(points).map((p) => p.id), ['b', 'a', 'f', 'd']);
  assert.deepEqual(paretoFront([]), []);
  assert.deepEqual(paretoFront([pt('x', 0.5, 0)]).map((p) => p.id), ['x']);
});

function row(id: string, acc: number, trainingMs: number, batch1Ms: number): CandidateRow {
  return {
    id, cut: id, plan: 'head', seeds: 1, valAccuracy: { mean: acc, std: 0 }, valLoss: { mean: 1, std: 0 }, trainingMs, extractionMs: 0,
    trainableParams: 1, totalParams: 2, modelBytes: 3, inference: { batch1Ms, batch32Ms: batch1Ms / 4 }, bestRunDir: `r-${id}`,
  };
}

test('recommended: the cheapest at inference among those within the tolerance of the best accuracy', () => {
  const rows = [row('c1', 0.9, 10, 5), row('c2', 0.9 - RECOMMEND_TOLERANCE / 2, 20, 1), row('c3', 0.8, 1, 0.5), row('c4', 0.85, 100, 9)];
  const s = summarize(rows);
  assert.equal(s.recommended, 'c2'); // c1 is the most accurate, c2 is as good within tolerance and 5× cheaper; c4 is beaten everywhere
  assert.deepEqual(s.paretoTrainingTime, ['c3', 'c1']);
  assert.deepEqual(s.paretoInferenceTime, ['c3', 'c2', 'c1']);
  assert.equal(summarize([]).recommended, null);
});

test('spread is the mean and the sample standard deviation (n − 1); one seed has 0', () => {
  assert.deepEqual(spread([0.5]), { mean: 0.5, std: 0 });
  const s = spread([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
});

const member = (candidate: string, seed: number, acc: number, status: SweepMember['status'] = 'done'): SweepMember => ({
  id: `${candidate}-s${seed}`, candidate, cut: 'a,"b"', plan: ['x', 'y'], seed, status, runDir: `run-${candidate}-${seed}`,
  result: status === 'done' ? { valAccuracy: acc, valLoss: 1 - acc, epochs: 2, trainingMs: 100 * seed, extractionMs: 10, sharedFeatures: true, trainableParams: 7, totalParams: 9, modelBytes: 1000, inference: { batch1Ms: 2, batch32Ms: 1 } } : undefined,
});

test('rows aggregate the finished seeds of each candidate; the best seed is what a click opens; the CSV quotes layer names', () => {
  const rows = candidateRows([member('c1', 1, 0.6), member('c1', 2, 0.8), member('c1', 3, 0, 'failed'), member('c2', 1, 0, 'pending')]);
  assert.equal(rows.length, 1); // c2 has nothing finished yet
  const [r] = rows;
  assert.equal(r.seeds, 2);
  assert.ok(Math.abs(r.valAccuracy.mean - 0.7) < 1e-12);
  assert.ok(Math.abs(r.valAccuracy.std - Math.sqrt(0.02)) < 1e-12);
  assert.equal(r.trainingMs, 150);
  assert.equal(r.bestRunDir, 'run-c1-2');
  const csv = rowsCsv(rows).trim().split('\n');
  assert.equal(csv.length, 2);
  assert.match(csv[0], /^candidate,cut,plan,seeds,val_acc_mean,val_acc_std,/);
  assert.match(csv[1], /^c1,"a,""b""",x\+y,2,0\.700000,0\.141421,/);
});
