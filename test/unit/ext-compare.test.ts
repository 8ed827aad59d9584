// The comparison view's model (pure): a sweep's points and a runs diff, a
// run's plan back in the dashboard, the Runs view's sweep rows, and the
// compare protocol refusing anything but host-issued point ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configRows, runsState, sweepState, trainingMsFromMetrics, type RunFacts } from '../../src/extension/compare/compareModel';
import { planFromSpec } from '../../src/extension/compare/planFromSpec';
import { PlanModel, toTrainPlan } from '../../src/extension/state/freezePlan';
import { sweepInfo } from '../../src/extension/runs/sweepInfo';
import { CompareToHostSchema } from '../../src/shared/protocol/compare';
import { SweepFileSchema, type SweepFile } from '../../src/shared/sweep';
import { demoSummary } from './ext-fixtures';

const metrics = (...rows: [number, number, string][]) => rows.map(([epoch, valAccuracy, time]) => JSON.stringify({ time, epoch, loss: 1, accuracy: 0.5, valLoss: 1 - valAccuracy, valAccuracy, lr: 0.001 })).join('\n') + '\n';

function record(): SweepFile {
  const result = (acc: number, ms: number) => ({ valAccuracy: acc, valLoss: 1 - acc, epochs: 2, trainingMs: ms, extractionMs: 5, sharedFeatures: true, trainableParams: 100, totalParams: 1000, modelBytes: 4096, inference: { batch1Ms: 1, batch32Ms: 0.2 } });
  const member = (candidate: string, cut: string, seed: number, acc: number, status: 'done' | 'pending' = 'done') => ({
    id: `${candidate}-s${seed}`, candidate, cut, plan: 'head' as const, seed, status, runDir: status === 'done' ? `2026-${candidate}-s${seed}` : undefined, result: status === 'done' ? result(acc, 100 * seed) : undefined,
  });
  const members = [member('c1', 'flatten', 42, 0.9), member('c1', 'flatten', 43, 0.8), member('c2', 'dense', 42, 0.6), member('c3', 'conv2', 42, 0, 'pending')];
  // Rows and summary as the engine writes them (rows.ts, recommend.ts), through the schema both sides use.
  return SweepFileSchema.parse({
    version: 1,
    base: { modelDir: '/m', dataDir: '/d', epochs: 2, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, optimizer: 'adam', momentum: 0.9, dropout: 0.2, earlyStoppingPatience: 0, reduceOnPlateau: { patience: 0, factor: 0.5 }, classWeights: 'none', batchNormMode: 'inference', augment: false, featureCache: 'auto' },
    grid: { cuts: ['flatten', 'dense', 'conv2'], plans: ['head'], seeds: [42, 43], autoCuts: false },
    members,
    rows: [
      { id: 'c1', cut: 'flatten', plan: 'head', seeds: 2, valAccuracy: { mean: 0.85, std: 0.0707 }, valLoss: { mean: 0.15, std: 0.07 }, trainingMs: 150, extractionMs: 5, trainableParams: 100, totalParams: 1000, modelBytes: 4096, inference: { batch1Ms: 1, batch32Ms: 0.2 }, bestRunDir: '2026-c1-s42' },
      { id: 'c2', cut: 'dense', plan: 'head', seeds: 1, valAccuracy: { mean: 0.6, std: 0 }, valLoss: { mean: 0.4, std: 0 }, trainingMs: 100, extractionMs: 5, trainableParams: 10, totalParams: 2000, modelBytes: 9000, inference: { batch1Ms: 2, batch32Ms: 0.3 }, bestRunDir: '2026-c2-s42' },
    ],
    summary: { recommended: 'c1', paretoTrainingTime: ['c2', 'c1'], paretoInferenceTime: ['c1'] },
  });
}

test('a sweep: one point per finished candidate, the recommended one marked, the curve of its best seed, and the folder a click opens', () => {
  const texts: Record<string, string> = { '2026-c1-s42': metrics([1, 0.7, '2026-11-30T00:00:00Z'], [2, 0.9, '2026-11-30T00:00:01Z']), '2026-c2-s42': '' };
  const { state, runDirs } = sweepState('Sweep x', record(), (d) => texts[d], (d) => `/sweep/runs/${d}`);
  assert.equal(state.kind, 'sweep');
  assert.deepEqual(state.points.map((p) => [p.id, p.label, p.recommended]), [['p0', 'c1', true], ['p1', 'c2', false]]);
  assert.equal(state.points[0].detail, 'cut flatten · train head · 2 seeds');
  assert.equal(state.points[0].valAccuracyStd, 0.0707);
  assert.equal(state.points[1].valAccuracyStd, null, 'one seed has no spread to show');
  assert.deepEqual(state.points[0].costs, { trainingMs: 150, inferenceMs: 1, trainableParams: 100, modelBytes: 4096 });
  assert.deepEqual(state.points[0].curve.map((c) => c.valAccuracy), [0.7, 0.9]);
  assert.equal(runDirs.get('p0'), '/sweep/runs/2026-c1-s42');
  assert.deepEqual(state.config.filter((r) => r.differs).map((r) => r.key), ['cut', 'seeds']);
});

test('runs: the settings that differ are marked, missing ones show as a dash, costs are null without a saved model', () => {
  const run = (name: string, spec: Record<string, unknown>, costs: RunFacts['costs']): RunFacts => ({ dir: `/runs/${name}`, name, spec, metrics: metrics([1, 0.5, '2026-11-30T00:00:00Z'], [2, 0.75, '2026-11-30T00:00:10Z'], [3, 0.7, '2026-11-30T00:00:20Z']), costs });
  const { state, runDirs } = runsState([
    run('a', { modelDir: '/x/models/demo', cut: 'flatten', train: 'head', learningRate: 0.001, epochs: 3 }, { trainableParams: 5, totalParams: 9, modelBytes: 100, inference: { batch1Ms: 0.5 } }),
    run('b', { modelDir: '/x/models/demo', cut: 'dense1', train: ['dense1'], learningRate: 0.01, epochs: 3 }, null),
  ]);
  assert.equal(state.points.length, 2);
  assert.equal(state.points[0].valAccuracy, 0.75, 'the best epoch, as the Runs view shows');
  assert.equal(state.points[0].costs.trainingMs, 30_000, '20 s between epochs 1 and 3, scaled by 3/2 for the unlogged first epoch');
  assert.deepEqual(state.points[1].costs, { trainingMs: 30_000, inferenceMs: null, trainableParams: null, modelBytes: null });
  const differs = state.config.filter((r) => r.differs).map((r) => r.key);
  assert.deepEqual(differs, ['cut', 'train', 'learningRate']);
  assert.deepEqual(state.config.find((r) => r.key === 'modelDir')?.values, ['models/demo', 'models/demo']);
  assert.deepEqual(state.config.find((r) => r.key === 'optimizer')?.values, ['—', '—']);
  assert.equal(runDirs.get('p1'), '/runs/b');
  assert.deepEqual(configRows([{ a: '1' }, { a: '1', b: '2' }]), [{ key: 'a', values: ['1', '1'], differs: false }, { key: 'b', values: ['—', '2'], differs: true }]);
  assert.equal(trainingMsFromMetrics(metrics([1, 0.5, '2026-11-30T00:00:00Z'])), null);
});

test('opening a run ticks its plan: cut, head / top:K / explicit layers', () => {
  const model = new PlanModel(demoSummary());
  const head = planFromSpec(model, 'flatten', 'head');
  assert.equal(model.layers[head.cut].name, 'flatten');
  assert.equal(toTrainPlan(model, head), 'head');
  assert.equal(toTrainPlan(model, planFromSpec(model, 'dense', 'top:1')), 'top:1');
  const listed = planFromSpec(model, 'dense', ['conv2d_1']);
  assert.deepEqual(toTrainPlan(model, listed), ['conv2d_1']);
});

test('the Runs view row of a sweep: its status and best candidate', () => {
  const r = record();
  const info = sweepInfo('20261130-000000-sweep-d', '/runs/20261130-000000-sweep-d', r, [], false);
  assert.equal(info.status, 'interrupted', 'c3 has not run yet');
  assert.equal(info.candidates, 3);
  assert.deepEqual(info.best, { label: 'c1: flatten · head', valAccuracy: 0.85 });
  assert.equal(sweepInfo('x', '/x', r, [], true).status, 'running');
  const done = { ...r, members: r.members.map((m) => ({ ...m, status: 'done' as const })) };
  assert.equal(sweepInfo('x', '/x', done, [], false).status, 'completed');
});

test('the compare page may only send ready and openRun with a point id', () => {
  assert.equal(CompareToHostSchema.safeParse({ type: 'openRun', id: 'p3' }).success, true);
  assert.equal(CompareToHostSchema.safeParse({ type: 'openRun', id: '/etc/passwd' }).success, false);
  assert.equal(CompareToHostSchema.safeParse({ type: 'openRun', id: 'p3', dir: '/x' }).success, false);
  assert.equal(CompareToHostSchema.safeParse({ type: 'openFile', path: '/x' }).success, false);
});
