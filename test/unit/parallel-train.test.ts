// Training on several threads (engine/parallel/trainPool.ts): the same seeded
// run trains to the same weights and loss history on 1, 2 and 3 threads; a
// worker that dies ends the step with one clear line and leaves no thread
// behind; and the rule that keeps small or unsplittable work on one thread.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { applyFreeze } from '../../src/engine/model/transfer';
import { fit, oneGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { MemorySource } from '../../src/engine/train/source';
import { Rng } from '../../src/engine/util/rng';
import { MIN_SHARE_BYTES, passLayout, splitPasses, threadsFor, trainingPool } from '../../src/engine/parallel/trainPool';
import { startPoolWorker, tsxPreamble } from '../../src/engine/parallel/workerThread';
import { saveModelDir } from '../../src/engine/run/saveModel';
import { runTraining } from '../../src/engine/runTraining';
import type { TrainEvent } from '../../src/shared/events';
import { PRE, tempDir, writeDataset } from './run-fixtures';
import { HeapExhaustedError, explainHeapFailure } from '../../src/engine/train/errors';

/**
 * Each thread sums its own passes and the calling thread sums the threads, so
 * the batch's gradient is the same sum in another float32 order: equal to
 * about 1e-7 relative. Adam divides each step by √v, which carries such
 * differences into the weights a little amplified; 6 steps stay far below 1e-4.
 */
const TOLERANCE = 1e-4;
const SIZE = 12;
const CLASSES = 4;

before(async () => {
  await selectBackend({ requested: 'wasm' });
});

/** conv → BatchNormalization (trainable, pinned to inference as runs pin it) → conv → pool → dropout → dense softmax; every layer trains. */
function convNet(dropout: number): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  let x = tf.layers.conv2d({ name: 'c1', filters: 6, kernelSize: 3, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: tf.initializers.constant({ value: 0.2 }), movingVarianceInitializer: tf.initializers.constant({ value: 1.5 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'c2', filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'ft_head_dropout', rate: dropout }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'ft_head_dense', units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  applyFreeze(model, new Set(['c1', 'bn', 'c2', 'ft_head_dense']), 'inference');
  return model;
}

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const pixels = new Float32Array(n * SIZE * SIZE * 3).map(() => rng.next());
  return { x: new MemorySource([pixels], [[SIZE, SIZE, 3]], n), y: Int32Array.from({ length: n }, (_, i) => (i * 3) % CLASSES) };
}

/** Forces the pool past the small-work rule: these nets are far too small to gain from threads, which is not what is checked here. */
const ENOUGH_WORK = MIN_SHARE_BYTES;

interface RunOptions {
  threads: number;
  dropout?: number;
  microBatchSize?: number;
  startWorker?: () => Worker;
}

/** A seeded run of 3 epochs of 2 batches of 8 (adam, class weights); returns the weights, the loss history and the pool's thread count. */
async function seededRun({ threads, dropout = 0, microBatchSize, startWorker }: RunOptions) {
  const model = convNet(dropout);
  const classWeights = [1, 1.5, 0.5, 2];
  const { pool } = await trainingPool(model, { threads, batchSize: 8, exampleBytes: ENOUGH_WORK, exampleWork: ENOUGH_WORK, passSize: microBatchSize ?? 8, classWeights, startWorker });
  const optimizer = makeOptimizer('adam', 0.01);
  try {
    const result = await fit({ model, groups: oneGroup(optimizer), train: data(16, 1), validation: data(6, 2), batchSize: 8, microBatchSize, classWeights, firstEpoch: 1, lastEpoch: 3, rng: new Rng(7), pool });
    const weights = model.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
    return { weights, history: result.history, threads: pool?.threads ?? 1, movingMean: model.getLayer('bn').getWeights()[2].dataSync().slice() };
  } finally {
    await pool?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** Largest |a − b| / (|b| + 1e-3) over all weights. */
function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / (Math.abs(b[i][j]) + 1e-3)))));
  return worst;
}

function assertSameRun(got: Awaited<ReturnType<typeof seededRun>>, want: Awaited<ReturnType<typeof seededRun>>, label: string): void {
  const diff = maxRelativeDifference(got.weights, want.weights);
  assert.ok(diff < TOLERANCE, `${label}: weights differ by ${diff} (relative)`);
  assert.equal(got.history.length, want.history.length);
  got.history.forEach((h, i) => {
    for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const) {
      assert.ok(Math.abs(h[key] - want.history[i][key]) < 1e-5, `${label}: epoch ${i + 1} ${key} ${h[key]} vs ${want.history[i][key]}`);
    }
  });
}

test('the same seeded run trains to the same weights and losses on 1, 2 and 3 threads (BatchNormalization pinned, every layer trainable)', async () => {
  const one = await seededRun({ threads: 1 });
  const two = await seededRun({ threads: 2 });
  const three = await seededRun({ threads: 3 });
  assert.deepEqual([one.threads, two.threads, three.threads], [1, 2, 3]);
  assertSameRun(two, one, '2 threads');
  assertSameRun(three, one, '3 threads');
  // The runs trained: the check could fail, since the weights moved far more than the tolerance.
  const untrained = convNet(0);
  const start = untrained.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
  untrained.dispose();
  assert.ok(maxRelativeDifference(one.weights, start) > 100 * TOLERANCE);
  // Pinned BatchNormalization keeps its moving statistics on every thread count.
  for (const run of [one, two, three]) assert.deepEqual(Array.from(run.movingMean), new Array(6).fill(Math.fround(0.2)));
});

test('with dropout and micro-batches of 4, 2 threads draw the masks 1 thread draws (the same passes, the same seeds)', async () => {
  const one = await seededRun({ threads: 1, dropout: 0.5, microBatchSize: 4 });
  const two = await seededRun({ threads: 2, dropout: 0.5, microBatchSize: 4 });
  assertSameRun(two, one, 'dropout 0.5');
  // The masks matter: without dropout the run ends elsewhere.
  const plain = await seededRun({ threads: 1, microBatchSize: 4 });
  assert.ok(maxRelativeDifference(plain.weights, one.weights) > 100 * TOLERANCE);
});

/** OS threads of this process (worker_threads are OS threads). */
function osThreads(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

/** Waits for the OS to report the worker threads gone (a moment after terminate() settles), then checks none is left. */
async function threadsBackTo(baseline: number): Promise<void> {
  for (let i = 0; i < 50 && osThreads() > baseline; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(osThreads(), baseline, 'every worker thread ended');
}

test('a training thread that dies ends the step with one clear line, and no thread is left', async () => {
  const baseline = osThreads();
  // The first thread is the real worker, which exits (as a native crash would end it) when its first share arrives; the other stays healthy and must be ended too.
  const worker = resolve('src/engine/parallel/poolWorker.ts');
  let started = 0;
  const dying = () =>
    started++ === 0 ? new Worker(`${tsxPreamble()} require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'gradients') process.exit(3); }); require(${JSON.stringify(worker)});`, { eval: true }) : startPoolWorker();
  await assert.rejects(seededRun({ threads: 3, startWorker: dying }), (err: Error) => {
    assert.equal(err.message, 'a training thread exited (code 3); training stopped (--threads 1 trains on one thread)');
    return true;
  });
  assert.equal(started, 2);
  await threadsBackTo(baseline);
});

test("a training thread's wasm heap running out is the run's heap error, with its advice", async () => {
  // A stand-in thread that loads and then fails its first share the way an exhausted wasm module does.
  const exhausted = () =>
    new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m.type === 'gradients' ? { type: 'failed', id: m.id, message: 'Aborted(). Build with -sASSERTIONS for more info.' } : { type: 'loaded', id: m.id }));`, { eval: true });
  await assert.rejects(seededRun({ threads: 2, startWorker: exhausted }), (err: Error) => {
    const explained = explainHeapFailure(err);
    assert.ok(explained instanceof HeapExhaustedError);
    assert.match(explained.message, /^the wasm backend ran out of memory \(its heap stops at 4 GiB\): lower the batch size .*\(wasm said: a training thread: Aborted\(\)\. Build with -sASSERTIONS for more info\.; training stopped \(--threads 1 trains on one thread\)\)$/);
    return true;
  });
});

test('passes are spread whole over the threads, the calling thread first', () => {
  assert.deepEqual(splitPasses(32, 16, 2), [[0, 16], [16, 32]]);
  assert.deepEqual(splitPasses(32, 8, 2), [[0, 16], [16, 32]]);
  assert.deepEqual(splitPasses(32, 5, 3), [[0, 15], [15, 25], [25, 32]]);
  assert.deepEqual(splitPasses(3, 2, 2), [[0, 2], [2, 3]]);
  assert.deepEqual(splitPasses(1, 1, 3), [[0, 1], [1, 1], [1, 1]]);
});

test('a batch has as many passes as the heap needs, rounded up to a multiple of the threads', () => {
  assert.deepEqual(passLayout(32, 11, 2), { passes: 4, passSize: 8 }); // not 3 × ≤11, which idles a thread a third of the step
  assert.deepEqual(passLayout(32, 11, 1), { passes: 3, passSize: 11 });
  assert.deepEqual(passLayout(32, 32, 2), { passes: 2, passSize: 16 });
  assert.deepEqual(passLayout(32, 11, 3), { passes: 3, passSize: 11 });
  assert.deepEqual(passLayout(5, 11, 2), { passes: 2, passSize: 3 });
});

test('training stays on one thread, saying why: off wasm, BatchNormalization in batch mode, too little work a thread', async () => {
  const model = convNet(0);
  const big = { batchSize: 32, exampleBytes: MIN_SHARE_BYTES, exampleWork: MIN_SHARE_BYTES, passSize: 32, freeBytes: 2 ** 40 };
  try {
    assert.deepEqual(threadsFor(model, { ...big, threads: 1 }), { threads: 1 });
    assert.deepEqual(threadsFor(model, { ...big, threads: 4 }), { threads: 4 });
    assert.deepEqual(threadsFor(model, { threads: 64, ...big }), { threads: 32 }, 'never more threads than examples');
    assert.deepEqual(threadsFor(model, { ...big, threads: 4, exampleWork: (3 * MIN_SHARE_BYTES) / 32 }), { threads: 3 }, 'as many threads as have enough work');
    assert.deepEqual(threadsFor(model, { ...big, threads: 8, passSize: 8, freeBytes: 2 * 8 * MIN_SHARE_BYTES }), { threads: 3 }, 'as many more heaps as the free memory holds');
    assert.deepEqual(threadsFor(model, { ...big, threads: 8, passSize: 8, freeBytes: 7 * MIN_SHARE_BYTES }), { threads: 1, reason: 'each thread\'s passes need about 48.0 MiB of memory, and 42.0 MiB is free' });
    const small = threadsFor(model, { ...big, threads: 2, exampleWork: 100 * 1024 });
    assert.equal(small.threads, 1);
    assert.equal(small.reason, 'a batch of 32 is about 3.1 MiB of work, and a thread\'s share must be 6.0 MiB to gain more than its messages cost');
    applyFreeze(model, new Set(['c1', 'bn', 'c2', 'ft_head_dense']), 'batch');
    assert.match(threadsFor(model, { ...big, threads: 2 }).reason ?? '', /^BatchNormalization layer bn trains in batch mode/);
    await tf.setBackend('cpu');
    assert.deepEqual(threadsFor(model, { ...big, threads: 2 }), { threads: 1, reason: "the cpu backend does the training, with threads of its own or none (the pool's threads run wasm)" });
    assert.equal((await trainingPool(model, { ...big, threads: 2 })).pool, undefined);
  } finally {
    await tf.setBackend('wasm');
    model.dispose();
  }
});

test('a model whose copy cannot load in a worker trains on one thread, and says why', async () => {
  const model = convNet(0);
  const broken = () => new Worker(`${tsxPreamble()} require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage({ type: 'failed', id: m.id, message: 'Unknown layer: Custom' }));`, { eval: true });
  try {
    const choice = await trainingPool(model, { threads: 2, batchSize: 8, exampleBytes: ENOUGH_WORK, exampleWork: ENOUGH_WORK, passSize: 8, startWorker: broken });
    assert.equal(choice.pool, undefined);
    assert.equal(choice.reason, 'its copy of the model did not load (a training thread: Unknown layer: Custom)');
  } finally {
    model.dispose();
  }
});


test('a whole run on wasm with every layer trainable trains on 2 threads, says so, ends as on 1 thread, and leaves no thread when it finishes or is stopped', async () => {
  // 64 px and 16 filters: enough work a thread (about 2 MB an example) for the rule to use the pool at batch 8.
  const pre = { ...PRE, height: 64, width: 64 };
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const base = tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [64, 64, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.globalAveragePooling2d({ name: 'features' }),
      tf.layers.dense({ name: 'classifier', units: 5, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  const modelDir = join(tempDir('pool-model'), 'base');
  await saveModelDir(base, modelDir, ['a', 'b', 'c', 'd', 'e'], pre);
  base.dispose();
  const dataDir = await writeDataset(join(tempDir('pool-data'), 'bands'), 8);
  const baseline = osThreads();
  const run = async (threads: number, stopAfterBatch?: number) => {
    const events: TrainEvent[] = [];
    const stop = new AbortController();
    const spec = { modelDir, dataDir, runsDir: tempDir('pool-runs'), preprocessing: pre, train: 'all' as const, dropout: 0, epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 2, backend: 'wasm' as const, threads };
    const onEvent = (e: TrainEvent) => {
      events.push(e);
      if (e.type === 'batch' && e.batch === stopAfterBatch) stop.abort();
    };
    const result = await runTraining(spec, { onEvent, signal: stop.signal });
    await threadsBackTo(baseline);
    return { result, history: events.flatMap((e) => (e.type === 'epoch' ? [e.loss, e.valLoss] : [])), logs: events.flatMap((e) => (e.type === 'log' ? [e.message] : [])) };
  };
  const one = await run(1);
  const two = await run(2);
  // Stopped after its first batch: the run ends cancelled, and its threads with it.
  const stopped = await run(2, 1);
  assert.equal(stopped.result.stopReason, 'cancelled');
  assert.ok(two.logs.includes('Training on 2 threads: batch 8 as 2 × 4, 1 a thread (one wasm instance each; their gradients add up to one update)'), two.logs.join(' | '));
  assert.ok(!one.logs.some((l) => l.startsWith('Training on 2')));
  assert.equal(two.history.length, 4);
  two.history.forEach((v, i) => assert.ok(Math.abs(v - one.history[i]) < 1e-5, `history value ${i}: ${v} vs ${one.history[i]}`));
  assert.equal(two.result.valAccuracy, one.result.valAccuracy);
});
