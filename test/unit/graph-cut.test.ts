// A Graph model cut at any node: the summary lists every node grouped by name
// scope with its op, traced output shape and weights; the default cut of a
// classifier graph is the node feeding the final MatMul, not the
// probabilities; `cut` runs the graph up to that node, in training and in the
// saved model; nodes no head can take are refused in one line.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TrainEvent } from '../../src/shared/events';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import { loadGraphFeatureExtractor, summarizeGraphModelDir } from '../../src/engine/model/graphModel';
import { loadClassifier } from '../../src/engine/graph/saved';
import { loadLayersModelFromDir } from '../../src/engine/model/load';
import { cpuBackend, tempDir, writeDataset } from './run-fixtures';
import { CLASSIFIER, writeClassifierGraph } from './graph-fixtures';

const graph = writeClassifierGraph();
let data = '';
before(async () => {
  await cpuBackend();
  data = await writeDataset(tempDir('graph-cut-data'), 8);
});

test('a classifier graph lists its nodes by scope, with ops, traced shapes and weights; the default cut feeds the MatMul', async () => {
  const extractor = await loadGraphFeatureExtractor(graph.dir);
  try {
    const rows = extractor.summary.layers.map((l) => [l.name, l.path.join('/'), l.className, JSON.stringify(l.outputShape), l.nonTrainableParams]);
    assert.deepEqual(rows, [
      ['x', '', 'Placeholder', '[null,12,12,1]', 0],
      ['net/conv/Conv2D', 'net/conv', 'Conv2D', '[null,10,10,2]', 18],
      [CLASSIFIER.conv, 'net/conv', 'Relu', '[null,10,10,2]', 0],
      [CLASSIFIER.rows, 'net/rows', 'Reshape', '[null,100,2]', 3],
      [CLASSIFIER.pool, 'net/pool', 'Mean', '[null,2]', 1],
      ['head/dense/MatMul', 'head/dense', 'MatMul', '[null,3]', 6],
      ['head/dense/BiasAdd', 'head/dense', 'BiasAdd', '[null,3]', 3],
      [CLASSIFIER.probabilities, 'head', 'Softmax', '[null,3]', 0],
      [CLASSIFIER.output, '', 'Identity', '[null,3]', 0],
    ]);
    assert.equal(extractor.summary.totalParams, 18 + 3 + 1 + 6 + 3);
    assert.equal(extractor.summary.defaultCut, CLASSIFIER.pool);
    assert.equal(extractor.cut, CLASSIFIER.pool);
    assert.deepEqual(extractor.shapes, [[2]]);
    assert.equal(extractor.frozenParams, 18 + 3 + 1, 'only the weights up to the cut');
  } finally {
    extractor.dispose();
  }
});

test('the extractor runs the graph up to the cut node, as tfjs does for that node', async () => {
  const extractor = await loadGraphFeatureExtractor(graph.dir, { cut: CLASSIFIER.conv });
  const reference = await loadGraphFeatureExtractor(graph.dir);
  const images = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 4);
  try {
    const [conv] = await extractor.extract(images);
    assert.deepEqual(conv.shape, [3, 10, 10, 2]);
    const [pooled] = await reference.extract(images);
    // Mean over the 100 positions of the conv activations is the default cut's output.
    const mean = conv.reshape([3, 100, 2]).mean(1);
    const diff = tf.max(tf.abs(mean.sub(pooled))).dataSync()[0];
    assert.ok(diff < 1e-6, `max diff ${diff}`);
    tf.dispose([conv, pooled, mean]);
  } finally {
    images.dispose();
    extractor.dispose();
    reference.dispose();
  }
});

test('a node without a 2-D or 4-D output, a weight and an unknown name are refused as cuts in one line, and nothing leaks', async () => {
  const before = tf.memory().numTensors;
  const cases: [string, RegExp][] = [
    [CLASSIFIER.rows, /^cut node 'net\/rows\/Reshape' has a 3-D output \[None,100,2\]; choose a node with a 2-D or 4-D output$/],
    ['net/conv/kernel', /^unknown cut node 'net\/conv\/kernel'; did you mean /],
    ['net/conv/Rleu', /^unknown cut node 'net\/conv\/Rleu'; did you mean 'net\/conv\/Relu'/],
  ];
  for (const [cut, message] of cases) {
    await assert.rejects(loadGraphFeatureExtractor(graph.dir, { cut }), (e: Error) => message.test(e.message) && !e.message.includes('\n'));
  }
  assert.equal(tf.memory().numTensors, before);
});

test('training with a cut at a 4-D node pools in the head, saves the cut with the base, and the saved model predicts like graph-up-to-cut + head', async () => {
  const events: TrainEvent[] = [];
  const result = await runTraining(
    { modelDir: graph.dir, dataDir: data, runsDir: tempDir('graph-cut-runs'), cut: CLASSIFIER.conv, epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 3 },
    { onEvent: (e) => events.push(e), selectBackend: cpuBackend },
  );
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan?.type === 'plan');
  assert.equal(plan.cut, CLASSIFIER.conv);
  assert.deepEqual(plan.boundary, [CLASSIFIER.conv]);
  assert.deepEqual(plan.trainableLayers.sort(), ['ft_head_dense', 'ft_head_dropout', 'ft_head_pool']);
  assert.equal(plan.trainableParams, 2 * 3 + 3);
  assert.equal(plan.totalParams, 18 + 2 * 3 + 3);
  assert.ok(events.some((e) => e.type === 'log' && e.message.startsWith(`Graph model: frozen feature extractor run up to '${CLASSIFIER.conv}', [None,10,10,2]`)));
  const base = JSON.parse(readFileSync(join(result.modelDir, 'base.json'), 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
  assert.equal(base.userDefinedMetadata.finetuneCut, CLASSIFIER.conv);

  const images = tf.randomUniform([2, 12, 12, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
  const extractor = await loadGraphFeatureExtractor(graph.dir, { cut: CLASSIFIER.conv });
  const head = await loadLayersModelFromDir(result.modelDir);
  const saved = await loadClassifier(result.modelDir);
  try {
    const [features] = await extractor.extract(images);
    const want = head.predict(features) as tf.Tensor;
    const got = await saved.predict(images);
    assert.deepEqual(got.shape, [2, 3]);
    assert.deepEqual(Array.from(await got.data()), Array.from(await want.data()));
    tf.dispose([features, want, got]);
  } finally {
    images.dispose();
    extractor.dispose();
    head.dispose();
    saved.dispose();
  }
});

test('without a cut, a classifier graph trains its head on the features that fed its classifier', async () => {
  const events: TrainEvent[] = [];
  const runsDir = tempDir('graph-cut-default');
  await runTraining({ modelDir: graph.dir, dataDir: data, runsDir, epochs: 1, batchSize: 8, validationSplit: 0.25, seed: 3 }, { onEvent: (e) => events.push(e), selectBackend: cpuBackend });
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan?.type === 'plan');
  assert.equal(plan.cut, CLASSIFIER.pool);
  assert.deepEqual(plan.trainableLayers.sort(), ['ft_head_dense', 'ft_head_dropout']);
  assert.ok(events.some((e) => e.type === 'log' && /run up to 'net\/pool\/Mean' \(auto-detected: the node that feeds the classifier\)/.test(e.message)));
  assert.equal(readdirSync(runsDir).length, 1);
});

test('`finetune summary` lists a Graph model node by node, and `finetune train --cut NODE` trains up to that node', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 120_000 });
  const summary = cli('summary', '--model', graph.dir);
  assert.equal(summary.status, 0, summary.stderr);
  const lines = summary.stdout.split('\n');
  assert.match(lines[0], /^Node\s+Op\s+Output shape\s+Params\s+Trainable$/);
  assert.ok(lines.some((l) => /^net\/conv\/Conv2D\s+Conv2D\s+\[None,10,10,2\]\s+18\s+frozen\s*$/.test(l)), summary.stdout);
  assert.ok(lines.some((l) => /^net\/pool\/Mean\s+Mean\s+\[None,2\]\s+1\s+frozen\s*$/.test(l)), summary.stdout);
  assert.ok(lines.includes(`Default cut: ${CLASSIFIER.pool}`), summary.stdout);

  const runs = tempDir('graph-cut-cli');
  const train = cli('train', '--model', graph.dir, '--data', data, '--cut', CLASSIFIER.conv, '--epochs', '1', '--backend', 'cpu', '--runs', runs, '--json');
  assert.equal(train.status, 0, train.stderr);
  const [run] = readdirSync(runs);
  const base = JSON.parse(readFileSync(join(runs, run, 'model', 'base.json'), 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
  assert.equal(base.userDefinedMetadata.finetuneCut, CLASSIFIER.conv);

  const refused = cli('train', '--model', graph.dir, '--data', data, '--cut', CLASSIFIER.rows, '--backend', 'cpu', '--runs', tempDir('graph-cut-cli-refused'));
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr.trim(), /cut node 'net\/rows\/Reshape' has a 3-D output \[None,100,2\]; choose a node with a 2-D or 4-D output$/);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
});

test('a graph whose output no head takes still opens node by node, and training it names the problem in one line', async () => {
  const rows = writeClassifierGraph({ endAtRows: true });
  const summary = await summarizeGraphModelDir(rows.dir);
  assert.equal(summary.defaultCut, CLASSIFIER.rows);
  assert.deepEqual(summary.layers.map((l) => l.name), ['x', 'net/conv/Conv2D', CLASSIFIER.conv, CLASSIFIER.rows]);
  const errors: string[] = [];
  const runsDir = tempDir('graph-rows-runs');
  await assert.rejects(
    runTraining({ modelDir: rows.dir, dataDir: data, runsDir, epochs: 1 }, { onEvent: (e) => e.type === 'error' && errors.push(e.message), selectBackend: cpuBackend }),
    /^LayerChoiceError: cut node 'net\/rows\/Reshape' has a 3-D output/,
  );
  assert.deepEqual(errors, [`cut node '${CLASSIFIER.rows}' has a 3-D output [None,100,2]; choose a node with a 2-D or 4-D output`]);
  assert.deepEqual(readdirSync(runsDir), []);
  // The same graph trains when cut at a node a head can take.
  const result = await runTraining({ modelDir: rows.dir, dataDir: data, runsDir, cut: CLASSIFIER.conv, epochs: 1 }, { onEvent: () => {}, selectBackend: cpuBackend });
  assert.equal(result.epochs, 1);
});
