// Sweeps end to end on the small CNN (cpu backend):
// - every member is an ordinary run folder, and sweep.json/sweep.csv hold its rows;
// - the frozen network runs once per image for the whole sweep (counted at predict);
// - a member fed by the shared pass trains exactly as the same run alone;
// - a sweep killed mid-member resumes: finished members are skipped, the interrupted one continues from its checkpoint;
// - a bad grid creates nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import { resumeSweep, runSweep, type SweepRequest } from '../../src/engine/sweep/runSweep';
import { runCosts } from '../../src/engine/sweep/measure';
import { SweepFileSchema, type SweepEvent } from '../../src/shared/sweep';
import { cpuBackend, PX, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
const IMAGES = 36;
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('sweep-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('sweep-data'), 'bands'), IMAGES / 3);
});

const request = (over: Partial<SweepRequest> = {}): SweepRequest => ({
  base: { modelDir, dataDir, epochs: 2, batchSize: 8, learningRate: 0.01, validationSplit: 0.25 },
  runsDir: tempDir('sweep-runs'),
  cuts: ['conv2', 'flatten', 'features'],
  plans: ['head'],
  seeds: [1, 2],
  name: 'bands',
  ...over,
});
const fixedTiming = async () => ({ batch1Ms: 1, batch32Ms: 0.5 });

/** Images that went through any model's predict: the frozen network is the only thing fed raw [n, PX, PX, 1] pixels. */
function countImagePredicts(): { images: number; restore: () => void } {
  const proto = tf.LayersModel.prototype;
  const original = proto.predict;
  const counter = { images: 0, restore: () => void (proto.predict = original) };
  proto.predict = function (this: tf.LayersModel, x: tf.Tensor | tf.Tensor[], args?: Parameters<typeof original>[1]) {
    for (const t of Array.isArray(x) ? x : [x]) if (t.rank === 4 && t.shape[1] === PX && t.shape[2] === PX && t.shape[3] === 1) counter.images += t.shape[0];
    return original.call(this, x, args);
  };
  return counter;
}

let restoreSpy: (() => void) | undefined;
after(() => restoreSpy?.());

test('3 head-only cuts × 2 seeds: 6 ordinary runs, and the frozen network runs once per image in all', async () => {
  const alone = countImagePredicts();
  restoreSpy = alone.restore;
  await runTraining({ ...request().base, runsDir: tempDir('sweep-alone'), cut: 'flatten', seed: 1 }, { onEvent: () => {}, selectBackend: cpuBackend });
  alone.restore();
  assert.equal(alone.images, IMAGES, 'a run on its own runs its prefix once per image (the spy sees it)');

  const counted = countImagePredicts();
  restoreSpy = counted.restore;
  const events: SweepEvent[] = [];
  const { dir, record, cancelled } = await runSweep(request(), { onEvent: (e) => events.push(e), selectBackend: cpuBackend, measure: fixedTiming });
  counted.restore();
  assert.equal(cancelled, false);
  assert.equal(counted.images, IMAGES, 'six members, one pass');
  assert.deepEqual(events.filter((e) => e.type === 'sharedPass').map((e) => e.type === 'sharedPass' && [e.images, e.outputs]), [[IMAGES, 3]]);
  assert.equal(events.some((e) => e.type === 'run' && e.id !== 'shared-pass' && e.event.type === 'progress' && e.event.stage === 'features'), false, 'no member ran its own extraction');

  assert.equal(record.members.length, 6);
  const runDirs = readdirSync(join(dir, 'runs')).sort();
  assert.deepEqual(runDirs.map((d) => d.replace(/^\d{8}-\d{6}-/, '')), ['c1-s1', 'c1-s2', 'c2-s1', 'c2-s2', 'c3-s1', 'c3-s2']);
  for (const m of record.members) {
    assert.equal(m.status, 'done');
    assert.equal(m.result?.sharedFeatures, true);
    for (const file of ['spec.json', 'metrics.jsonl', 'model/model.json']) assert.ok(existsSync(join(dir, 'runs', m.runDir!, file)), `${m.id}: ${file}`);
  }
  const onDisk = SweepFileSchema.parse(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')));
  assert.equal(onDisk.rows.length, 3);
  assert.deepEqual(onDisk.rows.map((r) => [r.cut, r.seeds]), [['conv2', 2], ['flatten', 2], ['features', 2]]);
  assert.equal(readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n').length, 4);
  assert.ok(onDisk.summary.recommended && onDisk.rows.some((r) => r.id === onDisk.summary.recommended));
  assert.ok(onDisk.summary.paretoTrainingTime.length >= 1);
  // Heads: conv2's 4 pooled channels → dense(3) = 15; flatten's 4×4×4 = 64 → 195; features' 8 → 27.
  // Totals add the frozen convolutions (40 + 148) and, at `features`, its dense (64×8 + 8 = 520).
  assert.deepEqual(onDisk.rows.map((r) => r.trainableParams), [15, 195, 27]);
  assert.deepEqual(onDisk.rows.map((r) => r.totalParams), [188 + 15, 188 + 195, 188 + 520 + 27]);
});

test('a member fed by the shared pass ends exactly like the same run alone; sizes and timings are measured', async () => {
  const { dir, record } = await runSweep(request({ cuts: ['flatten', 'features'], seeds: [3] }), { onEvent: () => {}, selectBackend: cpuBackend });
  const alone = await runTraining({ ...request().base, runsDir: tempDir('sweep-alone'), cut: 'features', seed: 3 }, { onEvent: () => {}, selectBackend: cpuBackend });
  const member = record.members.find((m) => m.cut === 'features')!;
  assert.equal(member.result!.valLoss, alone.valLoss);
  assert.equal(member.result!.valAccuracy, alone.valAccuracy);
  const modelDirOf = join(dir, 'runs', member.runDir!, 'model');
  const bytes = readdirSync(modelDirOf).reduce((n, f) => n + statSync(join(modelDirOf, f)).size, 0);
  assert.equal(member.result!.modelBytes, bytes);
  assert.ok(member.result!.inference.batch1Ms > 0 && member.result!.inference.batch32Ms > 0);
  // Compare Runs measures any saved model the same way: the run's plan event and runCosts agree.
  const costs = await runCosts(modelDirOf, 'head');
  assert.deepEqual([costs.trainableParams, costs.totalParams, costs.modelBytes], [member.result!.trainableParams, member.result!.totalParams, bytes]);
  assert.ok(member.result!.trainingMs > 0 && member.result!.extractionMs > 0);
});

test('a sweep killed in its second member resumes: the first is skipped, the second continues from its checkpoint', async () => {
  const whole = await runSweep(request({ cuts: ['flatten', 'features'], seeds: [4], base: { ...request().base, epochs: 3 } }), { onEvent: () => {}, selectBackend: cpuBackend, measure: fixedTiming });

  const controller = new AbortController();
  let started = 0;
  const first = await runSweep(request({ cuts: ['flatten', 'features'], seeds: [4], base: { ...request().base, epochs: 3 } }), {
    onEvent: (e) => void (e.type === 'member' && e.status === 'start' && started++),
    selectBackend: cpuBackend,
    measure: fixedTiming,
    signal: controller.signal,
    onCheckpoint: (epoch) => started === 2 && epoch === 1 && controller.abort(),
  });
  assert.equal(first.cancelled, true);
  assert.deepEqual(first.record.members.map((m) => m.status), ['done', 'running']);
  const interrupted = first.record.members[1].runDir!;
  const doneMetrics = readFileSync(join(first.dir, 'runs', first.record.members[0].runDir!, 'metrics.jsonl'), 'utf8');

  const events: SweepEvent[] = [];
  const resumed = await resumeSweep(first.dir, { onEvent: (e) => events.push(e), selectBackend: cpuBackend, measure: fixedTiming });
  assert.equal(resumed.cancelled, false);
  assert.deepEqual(events.filter((e) => e.type === 'member' && e.status === 'start').map((e) => e.type === 'member' && e.id), ['c2-s4']);
  assert.ok(events.some((e) => e.type === 'run' && e.event.type === 'log' && /^Resuming .* after epoch 1$/.test(e.event.message)));
  assert.equal(resumed.record.members[1].runDir, interrupted, 'the same run folder, continued');
  assert.equal(readdirSync(join(first.dir, 'runs')).length, 2);
  assert.equal(readFileSync(join(first.dir, 'runs', first.record.members[0].runDir!, 'metrics.jsonl'), 'utf8'), doneMetrics, 'the finished member is untouched');
  assert.deepEqual(resumed.record.members.map((m) => m.status), ['done', 'done']);
  assert.equal(resumed.record.members[1].result!.valLoss, whole.record.members[1].result!.valLoss, 'as if never interrupted');
  assert.equal(resumed.record.members[1].result!.epochs, 3);
});

test('bad grids and settings fail with one line and create no sweep folder', async () => {
  const cases: [Partial<SweepRequest>, RegExp][] = [
    [{ cuts: ['flaten'] }, /^unknown cut layer 'flaten'; did you mean 'flatten'/],
    [{ cuts: ['flatten'], plans: [['features']] }, /^plan 'features' trains 'features', which is above cut 'flatten'/],
    [{ cuts: [] }, /^the sweep grid is empty \(no cut\); nothing to run$/],
    [{ base: { modelDir, dataDir, epochs: 0 } }, /^invalid sweep settings: epochs: /],
  ];
  for (const [over, pattern] of cases) {
    const req = request(over);
    await assert.rejects(runSweep(req, { onEvent: () => {}, selectBackend: cpuBackend }), (err: Error) => pattern.test(err.message) && !err.message.includes('\n'));
    assert.deepEqual(readdirSync(req.runsDir), [], `${pattern}: nothing created`);
  }
});
