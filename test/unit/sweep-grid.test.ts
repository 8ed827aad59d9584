// The sweep grid and `--cuts auto`: what expands to what, and each bad grid
// as one clear error raised before anything runs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { expandGrid, MAX_SWEEP_RUNS } from '../../src/engine/sweep/grid';
import { autoCuts, thin, AUTO_CUTS_MAX } from '../../src/engine/sweep/autoCuts';
import { LayerChoiceError } from '../../src/engine/model/transfer';
import { TrainSetupError } from '../../src/engine/train/errors';
import { tempDir, writeBaseModel } from './run-fixtures';

let base: tf.LayersModel;
before(async () => {
  await tf.setBackend('cpu');
  base = await loadLayersModelFromDir(await writeBaseModel(join(tempDir('grid-model'), 'base')));
});

test('the grid is cut × plan × seed in that order, one candidate id per cut × plan, duplicates dropped', () => {
  const members = expandGrid(base, { cuts: ['flatten', 'features', 'flatten'], plans: ['head', 'top:1', ['conv2']], seeds: [1, 2, 1] });
  assert.equal(members.length, 2 * 3 * 2);
  assert.deepEqual(members.slice(0, 4), [
    { candidate: 'c1', cut: 'flatten', plan: 'head', seed: 1 },
    { candidate: 'c1', cut: 'flatten', plan: 'head', seed: 2 },
    { candidate: 'c2', cut: 'flatten', plan: 'top:1', seed: 1 },
    { candidate: 'c2', cut: 'flatten', plan: 'top:1', seed: 2 },
  ]);
  assert.deepEqual([...new Set(members.map((m) => m.candidate))], ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  assert.deepEqual(members.at(-1), { candidate: 'c6', cut: 'features', plan: ['conv2'], seed: 2 });
});

test('an unknown cut is one line naming the nearest layers', () => {
  assert.throws(() => expandGrid(base, { cuts: ['flatten', 'flaten'], plans: ['head'], seeds: [1] }), (err: Error) => {
    assert.ok(err instanceof LayerChoiceError);
    assert.equal(err.message, "unknown cut layer 'flaten'; did you mean 'flatten', 'features', 'conv1'?");
    return true;
  });
});

test('a plan that trains a layer above the cut is refused, naming both', () => {
  assert.throws(
    () => expandGrid(base, { cuts: ['features', 'flatten'], plans: ['head', ['conv2', 'features']], seeds: [1] }),
    (err: Error) => err instanceof LayerChoiceError && err.message === "plan 'conv2+features' trains 'features', which is above cut 'flatten' (the cut removes it); cut higher or drop it from the plan",
  );
  assert.throws(() => expandGrid(base, { cuts: ['features'], plans: [['nope']], seeds: [1] }), /^LayerChoiceError: unknown layer 'nope'/);
  assert.throws(() => expandGrid(base, { cuts: ['conv1_input'], plans: ['head'], seeds: [1] }), /is the model's input/);
});

test('an empty grid says which axis is empty; an oversized one is refused', () => {
  assert.throws(() => expandGrid(base, { cuts: [], plans: ['head'], seeds: [] }), (err: Error) => err instanceof TrainSetupError && err.message === 'the sweep grid is empty (no cut, no seed); nothing to run');
  assert.throws(() => expandGrid(base, { cuts: ['flatten'], plans: [], seeds: [1] }), /empty \(no plan\)/);
  const seeds = Array.from({ length: MAX_SWEEP_RUNS + 1 }, (_, i) => i);
  assert.throws(() => expandGrid(base, { cuts: ['flatten'], plans: ['head'], seeds }), /501 runs; at most 500/);
});

test('auto cuts on the small CNN: the layer before pooling, flatten, and the hidden dense (not the classifier)', () => {
  assert.deepEqual(autoCuts(base), ['conv2', 'flatten', 'features']);
});

test('auto cuts on a residual net: block ends (merges, last layer of block_N_*) and the layer before global pooling', () => {
  const input = tf.input({ shape: [8, 8, 4] });
  let x = tf.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  for (let b = 1; b <= 8; b++) {
    const y = tf.layers.conv2d({ name: `block_${b}_conv`, filters: 4, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const z = tf.layers.batchNormalization({ name: `block_${b}_bn` }).apply(y) as tf.SymbolicTensor;
    x = b % 2 === 0 ? (tf.layers.add({ name: `block_${b}_add` }).apply([x, z]) as tf.SymbolicTensor) : z;
  }
  const top = tf.layers.reLU({ name: 'out_relu' }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(top) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'predictions', units: 3 }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  // 8 block ends + out_relu = 9 candidates, thinned to 5 evenly spaced, the deepest kept.
  assert.deepEqual(autoCuts(model), ['block_2_add', 'block_4_add', 'block_5_bn', 'block_7_bn', 'out_relu']);
  assert.equal(AUTO_CUTS_MAX, 5);
  model.dispose();
});

test('thin keeps evenly spaced items and always the last', () => {
  assert.deepEqual(thin([1, 2, 3], 5), [1, 2, 3]);
  assert.deepEqual(thin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4), [3, 5, 8, 10]);
});
