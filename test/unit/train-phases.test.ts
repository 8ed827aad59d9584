import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { runPhases, type Phase } from '../../src/engine/train/phases';
import { balancedClassWeights, crossEntropy } from '../../src/engine/train/loss';
import { TrainSpecSchema } from '../../src/shared/trainSpec';
import { Rng } from '../../src/engine/util/rng';
import type { TrainEvent } from '../../src/shared/events';
import { tinyData, tinyNet } from './train-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

const spec = { ...TrainSpecSchema.parse({ modelDir: 'm', dataDir: 'd', runsDir: 'r', batchSize: 8 }), earlyStoppingPatience: 0 };

test('two phases: the head trains first with the rest frozen, then the plan at the lower learning rate', async () => {
  const net = tinyNet(2);
  const conv2Before = net.suffix.getLayer('conv2').getWeights()[0].dataSync().slice();
  const trainable: string[][] = [];
  const freeze = (names: Set<string>) => {
    for (const l of net.suffix.layers) l.trainable = names.has(l.name);
    trainable.push(net.suffix.trainableWeights.map((w) => w.name));
  };
  let conv2AfterHead: Float32Array | undefined;
  const events: TrainEvent[] = [];
  const phases: Phase[] = [
    { name: 'head', trainable: new Set(['ft_head_dense']), epochs: 2, learningRate: 0.01 },
    { name: 'plan', trainable: new Set(['conv2', 'ft_head_dense']), epochs: 2, learningRate: 0.001 },
  ];
  const train = tinyData(32, 1);
  const validation = tinyData(12, 2);
  const result = await runPhases({
    spec,
    phases,
    model: net.suffix,
    prefix: net.prefix,
    freeze,
    train,
    validation,
    rng: new Rng(1),
    emit: (e) => events.push(e),
    onEpoch: (logs) => {
      if (logs.epoch === 2) conv2AfterHead = net.suffix.getLayer('conv2').getWeights()[0].dataSync().slice() as Float32Array;
    },
  });
  assert.deepEqual(conv2AfterHead, conv2Before, 'conv2 is frozen during the head phase');
  assert.notDeepEqual(net.suffix.getLayer('conv2').getWeights()[0].dataSync(), conv2Before, 'conv2 trains in the second phase');
  assert.equal(trainable.length, 2);
  assert.deepEqual(result.history.map((h) => h.epoch), [1, 2, 3, 4], 'epochs continue across phases');
  assert.deepEqual(result.history.map((h) => h.lr), [0.01, 0.01, 0.001, 0.001]);
  const epochEvents = events.filter((e) => e.type === 'epoch');
  assert.ok(epochEvents.every((e) => e.type === 'epoch' && e.epochs === 4));
});

test('balanced class weights make every class weigh the same in total', () => {
  const labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
  const w = balancedClassWeights(labels, 3);
  const totals = [6 * w[0], 2 * w[1], 2 * w[2]];
  for (const t of totals) assert.ok(Math.abs(t - totals[0]) < 1e-9);
  assert.ok(Math.abs(w[1] - 10 / 6) < 1e-9, 'n / (classes × count)');
});

test('class weights scale each example\'s loss', () => {
  const probs = tf.tensor2d([[0.7, 0.3], [0.2, 0.8]]);
  const labels = tf.tensor1d([0, 1], 'int32');
  const plain = crossEntropy(probs, labels).dataSync()[0];
  const weighted = crossEntropy(probs, labels, tf.tensor1d([2, 0])).dataSync()[0];
  assert.ok(Math.abs(plain - (-Math.log(0.7) - Math.log(0.8)) / 2) < 1e-6);
  assert.ok(Math.abs(weighted - (-2 * Math.log(0.7)) / 2) < 1e-6);
});

test('early stopping ends the head phase, not the run; the plan phase still trains', async () => {
  const net = tinyNet(3);
  const freeze = (names: Set<string>) => {
    for (const l of net.suffix.layers) l.trainable = names.has(l.name);
  };
  const result = await runPhases({
    spec: { ...spec, earlyStoppingPatience: 1 },
    phases: [
      { name: 'head', trainable: new Set(['ft_head_dense']), epochs: 5, learningRate: 0.01 },
      { name: 'plan', trainable: new Set(['conv2', 'ft_head_dense']), epochs: 2, learningRate: 0.001 },
    ],
    model: net.suffix,
    prefix: net.prefix,
    freeze,
    train: tinyData(16, 1),
    validation: tinyData(6, 2),
    rng: new Rng(1),
    emit: () => {},
    // A validation loss that rises after epoch 1 of each phase triggers the stop.
    onEpoch: (logs) => void (logs.valLoss = logs.epoch === 1 || logs.epoch === 6 ? 1 : 2),
  });
  assert.deepEqual(result.history.map((h) => h.epoch), [1, 2, 6, 7]);
  assert.equal(result.stopReason, 'earlyStopping');
});
