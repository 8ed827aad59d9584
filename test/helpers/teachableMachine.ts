// Models with Teachable Machine's exact topology and export layout, as
// @teachablemachine/image builds them (libraries/image/src in
// googlecreativelab/teachablemachine-community):
// - custom-mobilenet.ts `loadTruncatedMobileNet`: tf.model(mobilenet.inputs → trainingLayer.output),
//   wrapped in a Sequential with a GlobalAveragePooling2D;
// - teachable-mobilenet.ts `train`: a Sequential head Dense(100, relu) → Dense(N, softmax, no bias),
//   and the saved model is Sequential[truncated, head];
// - the export folder: model.json, weights.bin, metadata.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf } from '../../src/engine/tf';
import { Rng } from '../../src/engine/util/rng';
import { artifactsOf } from './modelFolder';

const seeded = (seed: number) => tf.initializers.varianceScaling({ seed });

/** Sequential[Sequential[base truncated at `trainingLayer`, pooling], Sequential[Dense(100), Dense(N, softmax)]]. */
export function teachableMachineModel(mobilenet: tf.LayersModel, trainingLayer: string, classes: number, seed = 3): tf.Sequential {
  const layer = mobilenet.getLayer(trainingLayer);
  const truncatedModel = tf.model({ inputs: mobilenet.inputs, outputs: layer.output as tf.SymbolicTensor });
  const truncated = tf.sequential();
  truncated.add(truncatedModel);
  truncated.add(tf.layers.globalAveragePooling2d({}));
  const features = truncated.outputs[0].shape[1] as number;
  const head = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [features], units: 100, activation: 'relu', kernelInitializer: seeded(seed), useBias: true }),
      tf.layers.dense({ kernelInitializer: seeded(seed + 1), useBias: false, activation: 'softmax', units: classes }),
    ],
  });
  const joint = tf.sequential();
  joint.add(truncated);
  joint.add(head);
  return joint;
}

/** metadata.json as Teachable Machine's site writes it. */
export function teachableMachineMetadata(labels: string[], modelName = 'tm-my-image-model'): Record<string, unknown> {
  return {
    tfjsVersion: '1.3.1',
    tmVersion: '2.4.10',
    packageVersion: '0.8.4',
    packageName: '@teachablemachine/image',
    timeStamp: '2026-11-30T00:00:00.000Z',
    userMetadata: {},
    modelName,
    labels,
    imageSize: 224,
  };
}

/** Writes `model` as a Teachable Machine export folder (model.json, weights.bin, metadata.json). */
export async function writeTeachableMachineExport(dir: string, model: tf.LayersModel, labels: string[]): Promise<string> {
  const { json, data } = await artifactsOf(model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'weights.bin'), data);
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify(teachableMachineMetadata(labels)));
  return dir;
}

/**
 * A small stand-in for MobileNet at Teachable Machine's 224×224 input: two
 * strided convolutions to a 7×7×16 map whose last activation is named
 * `out_relu`, as MobileNetV2's is. Fast enough for E2E and training tests.
 */
export function tinyMobilenet(seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 8, strides: 8, name: 'Conv1', kernelInitializer: seeded(seed) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_Conv1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 16, kernelSize: 4, strides: 4, name: 'Conv_1', kernelInitializer: seeded(seed + 1) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: 'out_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, activation: 'softmax', name: 'predictions', kernelInitializer: seeded(seed + 2) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'tiny_mobilenet' });
}

/** A Teachable-Machine-shaped export of tinyMobilenet with `labels`, written to `dir` (for E2E and CLI tests). */
export async function writeTinyTeachableMachineExport(dir: string, labels = ['diseased leaves', 'healthy leaves']): Promise<string> {
  return writeTeachableMachineExport(dir, teachableMachineModel(tinyMobilenet(), 'out_relu', labels.length), labels);
}

/** Class folder name → its colour, for writeColourDataset. */
export const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] };

/** Noisy, non-square images of one colour per class (so that the centre crop matters and the classes are learnable). */
export async function writeColourDataset(dir: string, perClass = 8, seed = 5): Promise<string> {
  const rng = new Rng(seed);
  for (const [name, rgb] of Object.entries(COLOURS)) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const [w, h] = i % 2 ? [96, 64] : [64, 80];
      const px = Buffer.alloc(w * h * 3);
      for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) px[p * 3 + c] = Math.max(0, Math.min(255, rgb[c] + Math.floor((rng.next() - 0.5) * 80)));
      await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(dir, name, `${i}.png`));
    }
  }
  return dir;
}
