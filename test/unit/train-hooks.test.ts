// The open loop: hook order, stopping after any batch, skipping validation,
// and layer groups that each step at their own learning rate.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { fit, oneGroup, type TrainGroup } from '../../src/engine/train/loop';
import { makeOptimizer } from '../../src/engine/train/optimizer';
import { EarlyStopping, type Callback } from '../../src/engine/train/callbacks';
import { LayerSignalRecorder } from '../../src/engine/train/layerSignal';
import { Rng } from '../../src/engine/util/rng';
import { tinyData, tinyNet } from './train-fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

function fitTiny(net: ReturnType<typeof tinyNet>, callbacks: Callback[], options: { n?: number; epochs?: number; groups?: TrainGroup[] } = {}) {
  return fit({
    model: net.suffix,
    prefix: net.prefix,
    groups: options.groups ?? oneGroup(makeOptimizer('sgd', 0.05, 0)),
    train: tinyData(options.n ?? 16, 1),
    validation: tinyData(6, 2),
    batchSize: 8,
    firstEpoch: 1,
    lastEpoch: options.epochs ?? 2,
    rng: new Rng(1),
    callbacks,
  });
}

test('every hook runs, in order, per epoch and per batch', async () => {
  const seen: string[] = [];
  const recorder: Callback = {
    onTrainBegin: () => void seen.push('trainBegin'),
    onEpochBegin: (e) => void seen.push(`epochBegin ${e}`),
    onBatchBegin: (b) => void seen.push(`batchBegin ${b.epoch}.${b.batch}`),
    onGradients: (s) => void seen.push(`gradients ${s.epoch}.${s.batch} ${s.gradients.map((g) => g.layer).join(',')}`),
    onBatchEnd: (l) => void seen.push(`batchEnd ${l.epoch}.${l.batch}`),
    onEpochEnd: (l) => void seen.push(`epochEnd ${l.epoch}`),
    onTrainEnd: () => void seen.push('trainEnd'),
  };
  await fitTiny(tinyNet(1), [recorder]);
  const batch = (e: number, b: number) => [`batchBegin ${e}.${b}`, `gradients ${e}.${b} conv2,conv2,ft_head_dense,ft_head_dense`, `batchEnd ${e}.${b}`];
  assert.deepEqual(seen, [
    'trainBegin',
    ...[1, 2].flatMap((e) => [`epochBegin ${e}`, ...batch(e, 1), ...batch(e, 2), `epochEnd ${e}`]),
    'trainEnd',
  ]);
});

test('onGradients sees the gradients before any weight changes, and a callback after it sees them applied', async () => {
  const net = tinyNet(2);
  const dense = net.suffix.getLayer('ft_head_dense');
  let before: Float32Array | undefined;
  let gradient: Float32Array | undefined;
  let after: Float32Array | undefined;
  const probe: Callback = {
    onGradients: (s) => {
      before = dense.getWeights()[0].dataSync().slice() as Float32Array;
      gradient = s.gradients.find((g) => g.weight === dense.trainableWeights[0])!.grad.dataSync().slice() as Float32Array;
    },
    onBatchEnd: (_l, control) => {
      after = dense.getWeights()[0].dataSync().slice() as Float32Array;
      control.stop('earlyStopping');
    },
  };
  await fitTiny(net, [probe]);
  // Plain SGD: w ← w − lr·g.
  before!.forEach((w, i) => assert.ok(Math.abs(after![i] - (w - 0.05 * gradient![i])) < 1e-6, `weight ${i}`));
});

test('stop(reason) after a batch in mid-epoch ends training there: no validation, no epoch logs for the cut epoch', async () => {
  let batches = 0;
  const epochEnds: number[] = [];
  const stopper: Callback = {
    onBatchEnd: (l, control) => {
      batches++;
      if (l.epoch === 2 && l.batch === 2) control.stop('diverged');
    },
    onEpochEnd: (l) => void epochEnds.push(l.epoch),
  };
  const result = await fitTiny(tinyNet(3), [stopper], { n: 48, epochs: 4 });
  assert.equal(result.stopReason, 'diverged');
  assert.equal(batches, 6 + 2, 'all 6 batches of epoch 1, then 2 of epoch 2');
  assert.deepEqual(epochEnds, [1]);
  assert.deepEqual(result.history.map((h) => h.epoch), [1]);
});

test('a callback can skip an epoch\'s validation; early stopping does not count that epoch', async () => {
  const skipper: Callback = { onEpochBegin: (e, control) => void (e === 2 && control.skipValidation()) };
  const early = new EarlyStopping(1);
  const result = await fitTiny(tinyNet(4), [skipper, early], { epochs: 3 });
  assert.ok(Number.isNaN(result.history[1].valLoss) && Number.isNaN(result.history[1].valAccuracy));
  assert.ok(Number.isFinite(result.history[0].valLoss) && Number.isFinite(result.history[2].valLoss));
  // Had the NaN epoch counted as "no improvement", patience 1 would have stopped after epoch 2.
  assert.equal(result.history.length, 3);
  assert.notEqual(early.getState().bestEpoch, 2);
});

test('each layer group steps at base lr × its multiplier, with its own optimizer', async () => {
  // One SGD step from identical weights and data: the gradient is the same, so
  // each group's update is exactly proportional to its learning rate.
  const firstUpdate = async (conv2Multiplier: number) => {
    const net = tinyNet(5, 0);
    const start = net.suffix.getLayer('conv2').getWeights()[0].dataSync().slice();
    const denseStart = net.suffix.getLayer('ft_head_dense').getWeights()[0].dataSync().slice();
    const lrs: number[][] = [];
    const once: Callback = {
      onBatchEnd: (l, control) => {
        lrs.push(l.lrs);
        control.stop('earlyStopping');
      },
    };
    const groups: TrainGroup[] = [
      { layers: new Set(['conv2']), lrMultiplier: conv2Multiplier, optimizer: makeOptimizer('sgd', 0.1 * conv2Multiplier, 0) },
      { layers: new Set(['ft_head_dense']), lrMultiplier: 1, optimizer: makeOptimizer('sgd', 0.1, 0) },
    ];
    await fitTiny(net, [once], { groups });
    const delta = (name: string, from: Float32Array | Int32Array | Uint8Array) => {
      const now = net.suffix.getLayer(name).getWeights()[0].dataSync();
      return Array.from(now, (v, i) => v - from[i]);
    };
    return { conv2: delta('conv2', start), dense: delta('ft_head_dense', denseStart), lrs: lrs[0] };
  };
  const full = await firstUpdate(1);
  const tenth = await firstUpdate(0.1);
  assert.deepEqual(tenth.lrs.map((r) => Number(r.toPrecision(6))), [0.01, 0.1]);
  assert.ok(full.conv2.some((d) => Math.abs(d) > 1e-5), 'conv2 moved');
  full.conv2.forEach((d, i) => assert.ok(Math.abs(tenth.conv2[i] - 0.1 * d) < 1e-7, `conv2[${i}]: ${tenth.conv2[i]} vs ${0.1 * d}`));
  full.dense.forEach((d, i) => assert.ok(Math.abs(tenth.dense[i] - d) < 1e-7, `dense[${i}] is the same at multiplier 1`));
});

test('setLearningRate moves every group and keeps their ratios', async () => {
  const seen: number[][] = [];
  const halve: Callback = {
    onEpochEnd: (l, control) => {
      seen.push(l.lrs!);
      control.setLearningRate(control.getLearningRate() / 2);
    },
  };
  const groups: TrainGroup[] = [
    { layers: new Set(['conv2']), lrMultiplier: 0.01, optimizer: makeOptimizer('adam', 0.001 * 0.01) },
    { layers: undefined, lrMultiplier: 1, optimizer: makeOptimizer('adam', 0.001) },
  ];
  await fitTiny(tinyNet(6), [halve], { groups });
  const round = (rows: number[][]) => rows.map((r) => r.map((v) => Number(v.toPrecision(6))));
  assert.deepEqual(round(seen), [[0.00001, 0.001], [0.000005, 0.0005]]);
});

test('a trainable layer in no group is a clear error rather than a layer that silently never trains', async () => {
  const groups: TrainGroup[] = [{ layers: new Set(['ft_head_dense']), lrMultiplier: 1, optimizer: makeOptimizer('sgd', 0.1) }];
  await assert.rejects(fitTiny(tinyNet(7), [], { groups }), /trainable layer conv2 is in no layer group/);
});

test('the layer signal: per trainable layer and epoch, the mean gradient norm and update/weight ratio, without leaking tensors', async () => {
  const net = tinyNet(8);
  const epochs: { layer: string; gradNorm: number; updateRatio: number }[][] = [];
  const counts: number[] = [];
  const probe: Callback = {
    onEpochEnd: (l) => {
      epochs.push(l.layers ?? []);
      counts.push(tf.memory().numTensors);
    },
  };
  let norm = 0;
  let ratio = 0;
  let before: Float32Array[] = [];
  // The same quantities for one batch, computed independently on an identical net.
  const twin = tinyNet(8);
  const twinDense = () => twin.suffix.getLayer('ft_head_dense').getWeights().map((w) => w.dataSync() as Float32Array);
  const l2 = (arrays: ArrayLike<number>[]) => Math.sqrt(arrays.reduce((sum, a) => sum + Array.from(a).reduce((s2, v) => s2 + v * v, 0), 0));
  const check: Callback = {
    onGradients: (s) => {
      norm = l2(s.gradients.filter((g) => g.layer === 'ft_head_dense').map((g) => g.grad.dataSync()));
      before = twinDense();
    },
    onBatchEnd: () => {
      const after = twinDense();
      ratio = l2(after.map((a, i) => a.map((v, j) => v - before[i][j]))) / l2(before);
    },
  };
  await fitTiny(net, [new LayerSignalRecorder(), probe], { n: 8, epochs: 3 });
  await fitTiny(twin, [check], { n: 8, epochs: 1 });
  assert.equal(epochs.length, 3);
  for (const layers of epochs) assert.deepEqual(layers.map((l) => l.layer), ['conv2', 'ft_head_dense'], 'trainable layers only, bottom to top');
  for (const l of epochs.flat()) assert.ok(l.gradNorm > 0 && l.updateRatio > 0 && l.updateRatio < 1, JSON.stringify(l));
  // One batch per epoch here, so epoch 1's value is that batch's own norm.
  assert.ok(Math.abs(epochs[0][1].gradNorm - norm) < 1e-5 * norm, `${epochs[0][1].gradNorm} vs ${norm}`);
  assert.ok(Math.abs(epochs[0][1].updateRatio - ratio) < 1e-4 * ratio, `${epochs[0][1].updateRatio} vs ${ratio}`);
  assert.deepEqual(counts, new Array(3).fill(counts[0]));
});
