// Phases and layer groups as data: presets, explicit phases, old specs, and the budget rule.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { baseBlocks, planPhases } from '../../src/engine/train/phasePlan';
import { trainingBudget } from '../../src/engine/train/budget';
import { TrainSpecSchema } from '../../src/shared/trainSpec';
import type { Phase } from '../../src/engine/train/phases';

before(async () => {
  await tf.setBackend('cpu');
});

/** c1 → bn1 → c2 → flatten → d1 → head: three base blocks, BatchNormalization riding with its convolution. */
function model(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  let x = tf.layers.conv2d({ name: 'c1', filters: 2, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'c2', filters: 2, kernelSize: 3 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'd1', units: 4 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'ft_head_dense', units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

const spec = (extra: object = {}) => TrainSpecSchema.parse({ modelDir: 'm', dataDir: 'd', runsDir: 'r', learningRate: 0.01, ...extra });
const groupsOf = (p: Phase) => (p.groups ?? []).map((g) => ({ layers: [...g.layers].sort(), lr: Number((p.learningRate * g.lrMultiplier).toPrecision(3)) }));

test('blocks: each base layer with weights, BatchNormalization joining the layer before it; the head is no block', () => {
  assert.deepEqual(baseBlocks(model()), [['c1', 'bn1'], ['c2'], ['d1']]);
});

test('fine-tune: the head for one epoch, then everything with rates rising from lr/100 at the bottom to lr at the head', () => {
  const phases = planPhases(model(), spec(), 'fine-tune', 5);
  assert.deepEqual(phases.map((p) => [[...p.trainable].sort(), p.epochs]), [
    [['ft_head_dense'], 1],
    [['bn1', 'c1', 'c2', 'd1', 'ft_head_dense'], 4],
  ]);
  assert.equal(phases[0].groups, undefined);
  assert.deepEqual(groupsOf(phases[1]), [
    { layers: ['bn1', 'c1'], lr: 0.0001 },
    { layers: ['c2'], lr: 0.000464 },
    { layers: ['d1'], lr: 0.00215 },
    { layers: ['ft_head_dense'], lr: 0.01 },
  ]);
});

test('gradual: one more block per epoch from the top, each block down 2.6× slower; the last phase takes the remaining epochs', () => {
  const phases = planPhases(model(), spec(), 'gradual', 6);
  assert.deepEqual(phases.map((p) => [[...p.trainable].sort(), p.epochs]), [
    [['ft_head_dense'], 1],
    [['d1', 'ft_head_dense'], 1],
    [['c2', 'd1', 'ft_head_dense'], 1],
    [['bn1', 'c1', 'c2', 'd1', 'ft_head_dense'], 3],
  ]);
  assert.deepEqual(groupsOf(phases[3]).map((g) => g.lr), [0.01, 0.00385, 0.00148, 0.000569]);
  // A budget shorter than the blocks leaves the lowest ones frozen.
  const short = planPhases(model(), spec(), 'gradual', 2);
  assert.deepEqual(short.map((p) => [[...p.trainable].sort(), p.epochs]), [[['ft_head_dense'], 1], [['d1', 'ft_head_dense'], 1]]);
});

test('head, top:K and all stay one phase with one group', () => {
  for (const [plan, trainable] of [['head', ['ft_head_dense']], ['top:1', ['d1', 'ft_head_dense']], ['all', ['bn1', 'c1', 'c2', 'd1', 'ft_head_dense']]] as const) {
    const phases = planPhases(model(), spec(), plan, 7);
    assert.equal(phases.length, 1);
    assert.deepEqual([...phases[0].trainable].sort(), trainable);
    assert.equal(phases[0].epochs, 7);
    assert.equal(phases[0].groups, undefined);
  }
});

test('explicit phases: a layer joins the first group that selects it, and the unselected rest trains at ×1', () => {
  const s = spec({ phases: [{ train: 'head', epochs: 2 }, { train: 'all', epochs: 3, groups: [{ layers: 'top:1', lrMultiplier: 0.5 }, { layers: ['c1', 'd1'], lrMultiplier: 0.1 }] }] });
  const phases = planPhases(model(), s, s.train, 99);
  assert.deepEqual(phases.map((p) => p.epochs), [2, 3], 'phases replace the budget');
  assert.deepEqual(groupsOf(phases[1]), [
    { layers: ['d1'], lr: 0.005 },
    { layers: ['c1'], lr: 0.001 },
    { layers: ['bn1', 'c2', 'ft_head_dense'], lr: 0.01 },
  ]);
});

test('an old spec with twoPhase still loads, as phases; contradictions are clear errors', () => {
  const old = spec({ train: 'top:2', epochs: 4, twoPhase: { headEpochs: 2, lrMultiplier: 0.1 } });
  assert.equal('twoPhase' in old, false);
  assert.deepEqual(old.phases, [{ train: 'head', epochs: 2 }, { train: 'top:2', epochs: 4, groups: [{ layers: 'all', lrMultiplier: 0.1 }] }]);
  const phases = planPhases(model(), old, old.train, 4);
  assert.deepEqual(groupsOf(phases[1]), [{ layers: ['c2', 'd1', 'ft_head_dense'], lr: 0.001 }]);
  assert.match(TrainSpecSchema.safeParse({ modelDir: 'm', dataDir: 'd', runsDir: 'r', train: 'gradual', twoPhase: { headEpochs: 1, lrMultiplier: 0.1 } }).error!.issues[0].message, /cannot be combined with the gradual preset/);
  assert.match(TrainSpecSchema.safeParse({ modelDir: 'm', dataDir: 'd', runsDir: 'r', phases: [{ train: 'head', epochs: 1 }], twoPhase: { headEpochs: 1, lrMultiplier: 0.1 } }).error!.issues[0].message, /not both/);
  assert.equal(TrainSpecSchema.safeParse({ modelDir: 'm', dataDir: 'd', runsDir: 'r', phases: [{ train: 'head', epochs: 0 }] }).success, false);
});

test('the budget rule: small datasets get at least 300 steps, large ones keep 10 epochs; given values win', () => {
  const auto = (n: number, batchSize = 32) => trainingBudget({ batchSize, epochs: undefined, earlyStoppingPatience: undefined }, n);
  assert.deepEqual([auto(40).epochs, auto(40).earlyStoppingPatience], [100, 10], '2 steps an epoch: capped at 100 epochs');
  assert.deepEqual([auto(500, 16).epochs, auto(500, 16).earlyStoppingPatience], [10, 5], '32 steps an epoch: 10 epochs make 320 steps');
  assert.deepEqual([auto(256).epochs, auto(256).earlyStoppingPatience], [38, 5], '8 steps an epoch: 38 epochs make 304 steps');
  assert.equal(auto(100_000).epochs, 10);
  assert.match(auto(40).reason, /100 epochs \(200 steps of 2 per epoch for 40 training images/);
  assert.deepEqual(trainingBudget({ batchSize: 32, epochs: 7, earlyStoppingPatience: undefined }, 40), { epochs: 7, earlyStoppingPatience: 0, reason: '7 epochs as given' });
  assert.equal(trainingBudget({ batchSize: 32, epochs: undefined, earlyStoppingPatience: 0 }, 40).earlyStoppingPatience, 0, 'patience 0 keeps early stopping off');
});
