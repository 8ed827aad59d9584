// Fine-tuning a Graph model end to end: runTraining dispatches a graph-model
// folder to the frozen-extractor path, the head learns, the graph's weights
// reach the saved model bit for bit, classify chains graph → head, resume
// continues, and plans that would train the graph are refused in one line.
// The graph is graph-fixtures.ts' band graph, whose features separate the dataset's classes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEvent } from '../../src/shared/events';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import { runTraining, resumeTraining } from '../../src/engine/runTraining';
import { classifyImages } from '../../src/engine/classify';
import { GRAPH_HEAD_ONLY } from '../../src/engine/pipeline/graphSource';
import { prepareInputs } from '../../src/engine/train/inputs';
import { loadGraphFeatureExtractor } from '../../src/engine/model/graphModel';
import { scanDataset } from '../../src/engine/data/dataset';
import { tf } from '../../src/engine/tf';
import { handle } from '../../src/trainer/handlers';
import { TrainSpecSchema } from '../../src/shared/trainSpec';
import { TrainerResultSchemas } from '../../src/shared/protocol/trainer';
import { cpuBackend, PRE, PX, tempDir, writeDataset } from './run-fixtures';
import { BAND_FEATURES, writeBandGraph } from './graph-fixtures';

const FEATURES = BAND_FEATURES;

const graph = writeBandGraph();
let data = '';
before(async () => {
  data = await writeDataset(tempDir('graph-data'), 12);
});

function spec(overrides: Partial<TrainSpecInput> = {}): TrainSpecInput {
  return { modelDir: graph.dir, dataDir: data, runsDir: tempDir('graph-runs'), epochs: 12, batchSize: 8, learningRate: 0.1, validationSplit: 0.25, seed: 7, dropout: 0, ...overrides };
}

test('a Graph model trains a head on frozen features, saves graph + head, and classify chains them', async () => {
  const events: TrainEvent[] = [];
  const result = await runTraining(spec(), { onEvent: (e) => events.push(e), selectBackend: cpuBackend });
  assert.equal(result.stopReason, 'completed');
  assert.equal(result.epochs, 12);
  // 3 classes: chance is 1/3; the band features make this easy.
  assert.ok(result.valAccuracy >= 0.8, `val accuracy ${result.valAccuracy}`);
  const epochs = events.filter((e) => e.type === 'epoch');
  assert.ok(epochs[epochs.length - 1].loss < epochs[0].loss, 'training loss went down');

  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(plan.trainableLayers.sort(), ['ft_head_dense', 'ft_head_dropout']);
  assert.equal(plan.cut, 'features');
  assert.equal(plan.featureCache, true);
  assert.equal(plan.trainableParams, FEATURES * 3 + 3);
  assert.equal(plan.totalParams, 2 + PX * PX * FEATURES + FEATURES * 3 + 3);
  const features = events.filter((e) => e.type === 'progress' && e.stage === 'features');
  assert.ok(features.length > 0 && features.at(-1)!.type === 'progress');

  // The frozen graph reaches the run folder bit for bit; the source folder is untouched.
  const modelDir = result.modelDir;
  assert.deepEqual(readFileSync(join(modelDir, 'base.weights.bin')), graph.shard);
  assert.deepEqual(readFileSync(join(graph.dir, 'group1-shard1of1.bin')), graph.shard);
  assert.deepEqual(readdirSync(modelDir).sort(), ['base.json', 'base.weights.bin', 'labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);
  assert.equal(readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 12);
  assert.equal(existsSync(join(result.runDir, 'checkpoints', 'best')), true);

  const classes = ['top', 'middle', 'bottom'];
  const files = classes.flatMap((c) => [0, 1, 2, 3].map((i) => join(data, c, `${i}.png`)));
  const predictions = await classifyImages(modelDir, files, 2);
  const correct = predictions.filter((p, i) => p.top[0]?.label === classes[Math.floor(i / 4)]).length;
  assert.ok(correct >= 9, `classify got ${correct}/12 right: ${JSON.stringify(predictions.map((p) => p.top[0]?.label))}`);
  for (const p of predictions) assert.ok(p.top.length === 2 && p.top[0].probability >= p.top[1].probability);
});

test('the on-disk feature store trains exactly like the in-memory one', async () => {
  const memory = await runTraining(spec({ epochs: 3 }), { onEvent: () => {}, selectBackend: cpuBackend });
  const disk = await runTraining(spec({ epochs: 3 }), { onEvent: () => {}, selectBackend: cpuBackend, cacheBudgetBytes: 1 });
  assert.equal(disk.valLoss, memory.valLoss);
  assert.deepEqual(disk.confusion.matrix, memory.confusion.matrix);
});

test('a cancelled Graph run resumes from its checkpoint and ends where an uninterrupted one does', async () => {
  const straight = await runTraining(spec({ epochs: 4 }), { onEvent: () => {}, selectBackend: cpuBackend });
  const controller = new AbortController();
  const first = await runTraining(spec({ epochs: 4 }), {
    onEvent: () => {},
    selectBackend: cpuBackend,
    signal: controller.signal,
    onCheckpoint: (epoch) => epoch === 2 && controller.abort(),
  });
  assert.equal(first.stopReason, 'cancelled');
  const resumed = await resumeTraining(first.runDir, { onEvent: () => {}, selectBackend: cpuBackend });
  assert.equal(resumed.stopReason, 'completed');
  assert.equal(resumed.epochs, 4);
  assert.equal(resumed.valLoss, straight.valLoss);
});

test('features are the same whatever the decode chunk; an undecodable image is skipped with a warning', async () => {
  await cpuBackend();
  const copy = tempDir('graph-chunk');
  cpSync(data, copy, { recursive: true });
  // Its header reads (so the scan keeps it), but the pixel data is cut off: only decoding finds out.
  const real = readFileSync(join(copy, 'top', readdirSync(join(copy, 'top'))[0]));
  writeFileSync(join(copy, 'top', 'broken.png'), real.subarray(0, Math.min(real.length - 12, 100)));
  const dataset = await scanDataset(copy, { validationSplit: 0.25, seed: 7 });
  const extractor = await loadGraphFeatureExtractor(graph.dir);
  try {
    const run = async (decodeChunk: number) => {
      const warnings: string[] = [];
      const f = await prepareInputs({ dataset, extractor, pre: { ...PRE, resize: 'centerCrop' }, batchSize: 4, cacheDir: tempDir('graph-chunk-cache'), decodeChunk, emit: (e) => e.type === 'log' && warnings.push(e.message) });
      const all = (s: { size: number; batch(i: number[]): tf.Tensor[] }) => {
        const [t] = s.batch(Array.from({ length: s.size }, (_, i) => i));
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      };
      // libvips words a truncated PNG differently from call to call: compare which files were skipped, not the reason's text.
      const out = { train: all(f.train.x), validation: all(f.validation.x), y: [...f.train.y, ...f.validation.y], skipped: warnings.map((w) => w.split(': ')[0]) };
      f.dispose();
      return out;
    };
    const whole = await run(1000);
    const chunked = await run(5);
    assert.deepEqual(chunked, whole);
    assert.equal(whole.y.length, 36);
    assert.equal(whole.train.length + whole.validation.length, 36 * FEATURES);
    assert.equal(whole.skipped.length, 1);
    assert.match(whole.skipped[0], /^Skipped top[\\/]broken\.png$/);
  } finally {
    extractor.dispose();
  }
});

test('the VS Code trainer opens a Graph model folder and trains it as the extension asks (plan head, the tree\'s cut)', async () => {
  const summary = await handle({ id: 1, method: 'summarize', params: { modelDir: graph.dir } }, () => {});
  assert.equal((summary as { format: string }).format, 'graph');
  const trainSpec = TrainSpecSchema.parse({ ...spec({ epochs: 2 }), train: 'head', cut: 'features', backend: 'cpu' });
  const events: TrainEvent[] = [];
  const result = await handle({ id: 2, method: 'train', params: { spec: trainSpec } }, (e) => events.push(e));
  assert.ok(TrainerResultSchemas.train.safeParse(result).success);
  assert.equal((result as { epochs: number }).epochs, 2);
  assert.ok(events.some((e) => e.type === 'done'));
});

test('plans that would train the graph, a cut it cannot take, or augmentation are refused in one line, before a run folder exists', async () => {
  const cases: [Partial<TrainSpecInput>, RegExp][] = [
    [{ train: 'all' }, new RegExp(`^${GRAPH_HEAD_ONLY} \\(use --train head\\)$`)],
    [{ train: 'top:2' }, new RegExp(`^${GRAPH_HEAD_ONLY}`)],
    [{ train: ['features'] }, new RegExp(`^${GRAPH_HEAD_ONLY}`)],
    [{ twoPhase: { headEpochs: 1, lrMultiplier: 0.1 } }, new RegExp(`^${GRAPH_HEAD_ONLY}`)],
    [{ cut: 'flat/shape' }, /^unknown cut node 'flat\/shape'; did you mean 'flat'/],
    [{ augment: true }, /^augmentation is not supported for graph models/],
    [{ preprocessing: { height: 8, width: 8, channels: 1, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'stretch' } }, /^the model takes 12×12×1 images, but the preprocessing gives 8×8×1$/],
  ];
  for (const [overrides, message] of cases) {
    const runsDir = tempDir('graph-refused');
    const errors: string[] = [];
    await assert.rejects(
      runTraining(spec({ ...overrides, runsDir }), { onEvent: (e) => e.type === 'error' && errors.push(e.message), selectBackend: cpuBackend }),
      (err: Error) => message.test(err.message),
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0], message);
    assert.deepEqual(readdirSync(runsDir), [], `no run folder for ${JSON.stringify(overrides)}`);
  }
});
