// Feature extraction on several threads (engine/parallel/extractPool.ts):
// worker threads with their own wasm instance compute exactly what one
// thread computes, a whole run gives the same result with 1 and 2 threads,
// and off wasm no thread starts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { foldBatchNorm } from '../../src/engine/model/foldBatchNorm';
import { layersExtractor } from '../../src/engine/model/extractor';
import { extractorOnThreads, pooledExtractor } from '../../src/engine/parallel/extractPool';
import { runTraining } from '../../src/engine/runTraining';
import type { TrainEvent } from '../../src/shared/events';
import { PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

/** Each image's activations come from the same kernels on the same weights, whichever thread runs them; this only allows for that not being bit-exact. */
const TOLERANCE = 1e-6;

before(async () => {
  await selectBackend({ requested: 'wasm' });
});

/** conv → BatchNormalization → relu → depthwise → two outputs (a cut inside a residual network has several), BN folded as the engine runs it. */
function prefixWithTwoOutputs(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [16, 16, 3] });
  const conv = tf.layers.conv2d({ filters: 8, kernelSize: 3, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ movingVarianceInitializer: tf.initializers.constant({ value: 1.7 }) }).apply(conv) as tf.SymbolicTensor;
  const relu = tf.layers.reLU({}).apply(bn) as tf.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: init(2) }).apply(relu) as tf.SymbolicTensor;
  return foldBatchNorm(tf.model({ inputs: input, outputs: [relu, dw] })).model;
}

test('3 threads give the activations of 1, for every output, in image order', async () => {
  const prefix = prefixWithTwoOutputs();
  const images = tf.randomUniform([11, 16, 16, 3], -1, 1, 'float32', 4);
  const pool = await pooledExtractor(prefix, 3);
  try {
    assert.equal(pool.threads, 3);
    const one = await layersExtractor(prefix).extract(images);
    const many = await pool.extract(images);
    assert.equal(many.length, 2);
    many.forEach((t, i) => {
      assert.deepEqual(t.shape, one[i].shape);
      const diff = tf.max(tf.abs(tf.sub(t, one[i]))).dataSync()[0];
      assert.ok(diff <= TOLERANCE, `output ${i}: max difference ${diff}`);
    });
    // A batch smaller than the pool leaves a thread idle and still comes back whole.
    const small = await pool.extract(images.slice(0, 2));
    assert.deepEqual(small[1].shape, [2, 12, 12, 8]);
    tf.dispose([...one, ...many, ...small]);
  } finally {
    await pool.dispose();
    images.dispose();
    prefix.dispose();
  }
});

test('off wasm, and with 1 thread, no thread starts', async () => {
  const prefix = prefixWithTwoOutputs();
  assert.equal((await extractorOnThreads(layersExtractor(prefix), 1)).threads, 1);
  await tf.setBackend('cpu');
  try {
    assert.equal((await extractorOnThreads(layersExtractor(prefix), 4)).threads, 1, 'tfjs-node and cpu are left alone');
  } finally {
    await tf.setBackend('wasm');
    prefix.dispose();
  }
});

test('a run on wasm ends with the same history and accuracy on 1 and 2 threads', async () => {
  const modelDir = await writeBaseModel(join(tempDir('threads-model'), 'base'));
  const dataDir = await writeDataset(join(tempDir('threads-data'), 'bands'));
  const run = async (threads: number) => {
    const events: TrainEvent[] = [];
    const spec = { modelDir, dataDir, runsDir: tempDir('threads-runs'), preprocessing: PRE, epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 2, backend: 'wasm' as const, threads };
    const result = await runTraining(spec, { onEvent: (e) => events.push(e) });
    const history = events.flatMap((e) => (e.type === 'epoch' ? [[e.loss, e.valLoss]] : []));
    return { result, history, logs: events.flatMap((e) => (e.type === 'log' ? [e.message] : [])) };
  };
  const one = await run(1);
  const two = await run(2);
  assert.ok(two.logs.includes('Feature extraction on 2 threads (one wasm instance each)'), two.logs.join(' | '));
  assert.ok(!one.logs.some((l) => l.startsWith('Feature extraction on')));
  // Its suffix is far too small a piece of work to split (parallel/trainPool.ts), so training stays on one thread and says why.
  assert.ok(two.logs.some((l) => /^Training without the thread pool: a batch of 8 is about \d+\.\d MiB of work/.test(l)), two.logs.join(' | '));
  assert.ok(!one.logs.some((l) => l.startsWith('Training on')), 'one thread asked for: nothing to explain');
  assert.equal(two.result.valAccuracy, one.result.valAccuracy);
  assert.equal(two.history.length, 3);
  two.history.flat().forEach((v, i) => assert.ok(Math.abs(v - one.history.flat()[i]) <= 1e-5, `history value ${i}: ${v} vs ${one.history.flat()[i]}`));
});
