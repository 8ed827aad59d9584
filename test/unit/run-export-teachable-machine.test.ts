// The Teachable Machine round trip: fine-tune a Teachable-Machine-shaped
// export (its labels, cut and preprocessing used), `finetune export --format
// teachable-machine`, then load the export the way @teachablemachine/image's
// `load` and `predict` do (libraries/image/src/custom-mobilenet.ts,
// utils/canvas.ts `cropTo`, utils/tf.ts `capture`) and get the same top class
// as `finetune classify`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import type { TrainEvent } from '../../src/shared/events';
import { writeColourDataset, writeTinyTeachableMachineExport } from '../helpers/teachableMachine';
import { cpuBackend, tempDir, writeBaseModel } from './run-fixtures';

const TM_LABELS = ['diseased leaves', 'healthy leaves'];

let tmDir = '';
let dataDir = '';
let runDir = '';
const events: TrainEvent[] = [];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

before(async () => {
  await tf.setBackend('cpu');
  tmDir = await writeTinyTeachableMachineExport(join(tempDir('tm-export'), 'my_model'), TM_LABELS);
  dataDir = await writeColourDataset(join(tempDir('tm-data'), 'colours'), 8);
  const result = await runTraining(
    { modelDir: tmDir, dataDir, runsDir: tempDir('tm-runs'), epochs: 25, batchSize: 8, learningRate: 0.05, validationSplit: 0.25, seed: 3 },
    { onEvent: (e) => events.push(e), selectBackend: cpuBackend },
  );
  runDir = resolve(result.modelDir, '..');
});

test('fine-tuning a Teachable Machine export cuts at its pooled features and trains on its preprocessing', () => {
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan?.type === 'plan');
  assert.match(plan.cut, /^global_average_pooling2d/, 'the pooling inside the feature Sequential, not the old head');
  assert.ok(events.some((e) => e.type === 'log' && e.message === `Cut at ${plan.cut} (auto-detected: the last feature layer before the classifier)`));
  const saved = JSON.parse(readFileSync(join(runDir, 'model', 'preprocessing.json'), 'utf8'));
  assert.deepEqual(saved, { height: 224, width: 224, channels: 3, channelOrder: 'rgb', range: { kind: 'meanStd', mean: [127 / 255], std: [127 / 255] }, resize: 'centerCrop' });
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'model', 'labels.json'), 'utf8')), ['blue', 'green', 'red']);
});

test('summary and classify name the classes of an unmodified export from its metadata.json', () => {
  const summary = cli('summary', '--model', tmDir);
  assert.equal(summary.code, 0, summary.stderr.join(' | '));
  assert.match(summary.stdout, /^Default cut: global_average_pooling2d\S*$/m);
  assert.match(summary.stdout, /^Model: Teachable Machine image model \(2 classes: diseased leaves, healthy leaves\)$/m);
  const image = join(dataDir, 'red', '0.png');
  const r = cli('classify', '--model', tmDir, image, '--json');
  assert.equal(r.code, 0, r.stderr.join(' | '));
  const [result] = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(result.top.map((t: { label: string }) => t.label).sort(), [...TM_LABELS].sort());
});

test('a model with no labels still classifies: one line says so, and classes are shown by index with probabilities', () => {
  const bare = join(tempDir('tm-bare'), 'model');
  cpSync(tmDir, bare, { recursive: true });
  rmSync(join(bare, 'metadata.json'));
  const r = cli('classify', '--model', bare, join(dataDir, 'red', '0.png'));
  assert.equal(r.code, 0, r.stderr.join(' | '));
  assert.deepEqual(r.stderr, [`${bare}: no labels (no labels.json, no Teachable Machine metadata.json); showing class indices`]);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('  '));
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row, /^ {2}class [01] +\d+\.\d%$/);
});

test('export --format teachable-machine writes the layout @teachablemachine/image loads, with the new labels', () => {
  const outDir = join(tempDir('tm-out'), 'my_model');
  const r = cli('export', '--format', 'teachable-machine', runDir, outDir);
  assert.equal(r.code, 0, r.stderr.join(' | '));
  assert.deepEqual(r.stderr, [], 'the run was trained on exactly what Teachable Machine feeds: no warning');
  assert.deepEqual(readdirSync(outDir).sort(), ['metadata.json', 'model.json', 'weights.bin']);
  const modelJson = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
  assert.deepEqual(modelJson.weightsManifest.map((m: { paths: string[] }) => m.paths), [['weights.bin']]);
  const metadata = JSON.parse(readFileSync(join(outDir, 'metadata.json'), 'utf8'));
  assert.deepEqual(metadata.labels, ['blue', 'green', 'red']);
  assert.equal(metadata.packageName, '@teachablemachine/image');
  assert.equal(metadata.tmVersion, '2.4.10', "kept from the export the run started from");
  assert.equal(metadata.imageSize, 224);
});

/**
 * @teachablemachine/image's `load(modelURL, metadataURL)` then `predict(image)`:
 * tf.loadLayersModel over HTTP (weights resolved next to model.json), labels
 * from metadata.json (its `isMetadata`: an array of labels), and the input
 * `cropTo` draws (scale the short side to 224 with Math.ceil, offset by
 * ~~(d/2)) then `capture` normalises (x/127 − 1). Served from the folder by a
 * fetch stand-in, so only files the layout names are read.
 */
async function teachableMachinePredict(dir: string, images: string[]): Promise<string[]> {
  const base = 'https://tm.example/my_model/';
  const fetchFunc = async (url: string | Request) => {
    const path = new URL(typeof url === 'string' ? url : url.url).pathname.replace('/my_model/', '');
    return new Response(readFileSync(join(dir, path)), { status: 200 });
  };
  const model = await tf.loadLayersModel(tf.io.http(`${base}model.json`, { fetchFunc: fetchFunc as typeof fetch }));
  const metadata = (await (await fetchFunc(`${base}metadata.json`)).json()) as { labels: unknown };
  assert.ok(Array.isArray(metadata.labels), 'isMetadata');
  const size = 224;
  const out: string[] = [];
  for (const file of images) {
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const label = tf.tidy(() => {
      const pixels = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
      const scale = size / Math.min(info.width, info.height);
      const [w, h] = [Math.ceil(info.width * scale), Math.ceil(info.height * scale)];
      const drawn = tf.image.resizeBilinear(pixels.toFloat() as tf.Tensor3D, [h, w]);
      const cropped = tf.slice(drawn, [~~((h - size) / 2), ~~((w - size) / 2), 0], [size, size, 3]).round();
      const captured = cropped.expandDims(0).div(tf.scalar(127)).sub(tf.scalar(1));
      const probs = model.predict(captured) as tf.Tensor;
      return (metadata.labels as string[])[probs.argMax(1).dataSync()[0]];
    });
    out.push(label);
  }
  model.dispose();
  return out;
}

test("the export, loaded as @teachablemachine/image does, gets finetune classify's top class on three images", async () => {
  const outDir = join(tempDir('tm-out'), 'my_model');
  assert.equal(cli('export', '--format', 'teachable-machine', runDir, outDir).code, 0);
  const images = ['red/7.png', 'green/6.png', 'blue/5.png'].map((f) => join(dataDir, f));
  const r = cli('classify', '--model', join(runDir, 'model'), ...images, '--json');
  assert.equal(r.code, 0, r.stderr.join(' | '));
  const ours = (JSON.parse(r.stdout.trim().split('\n').pop()!) as { top: { label: string }[] }[]).map((c) => c.top[0].label);
  const theirs = await teachableMachinePredict(outDir, images);
  assert.deepEqual(theirs, ours);
  assert.deepEqual(ours, ['red', 'green', 'blue'], 'and the fine-tuned model is right');
});

test('export refuses, in one line, a non-empty OUTDIR (left as it was), a run trained on other input, and an unknown format', async () => {
  const busy = tempDir('tm-busy');
  writeFileSync(join(busy, 'keep.txt'), 'mine');
  let r = cli('export', '--format', 'teachable-machine', runDir, busy);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.length, 1);
  assert.match(r.stderr[0], /^finetune: .*: exists and is not empty; choose a new folder$/);
  assert.deepEqual(readdirSync(busy), ['keep.txt']);
  assert.equal(readFileSync(join(busy, 'keep.txt'), 'utf8'), 'mine');

  // A 12×12 greyscale model folder with labels.json and preprocessing.json (as a run saves it).
  const other = await writeBaseModel(join(tempDir('tm-other'), 'model'));
  const out = join(tempDir('tm-out'), 'never');
  r = cli('export', '--format', 'teachable-machine', other, out);
  assert.equal(r.code, 2);
  assert.deepEqual(r.stderr.length, 1);
  assert.match(r.stderr[0], /preprocessing\.json: the model takes 12×12×1; @teachablemachine\/image always feeds 224×224×3$/);
  assert.throws(() => readdirSync(out), /ENOENT/, 'nothing written');

  r = cli('export', '--format', 'onnx', runDir, out);
  assert.equal(r.code, 2);
  assert.match(r.stderr[0], /^finetune: --format onnx: unknown format \(known: teachable-machine, keras\)$/);
});
