// A tiny base model folder and a tiny PNG dataset on disk, for the run- and
// cli- tests that exercise runTraining end to end.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf } from '../../src/engine/tf';
import { saveModelDir } from '../../src/engine/run/saveModel';
import type { BackendReport } from '../../src/shared/events';
import type { Preprocessing } from '../../src/shared/preprocessing';
import { Rng } from '../../src/engine/util/rng';

export const PX = 12;
export const PRE: Preprocessing = { height: PX, width: PX, channels: 1, channelOrder: 'rgb', range: { kind: 'unit' }, resize: 'stretch' };

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ft-${tag}-`));
}

/** A small "pre-trained" CNN: conv → conv → pool → flatten → dense(features) → dense(classifier). */
export async function writeBaseModel(dir: string, seed = 1): Promise<string> {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [PX, PX, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'features', units: 8, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ name: 'classifier', units: 5, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
  await saveModelDir(model, dir, ['a', 'b', 'c', 'd', 'e'], PRE);
  model.dispose();
  return dir;
}

/** `classes` folders of PNGs whose class is the bright horizontal band. */
export async function writeDataset(dir: string, perClass = 12, classes = ['top', 'middle', 'bottom'], seed = 3): Promise<string> {
  const rng = new Rng(seed);
  for (const [label, name] of classes.entries()) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const px = Buffer.alloc(PX * PX);
      for (let r = 0; r < PX; r++) {
        const band = Math.floor((r * classes.length) / PX);
        for (let c = 0; c < PX; c++) px[r * PX + c] = Math.floor(rng.next() * 100 + (band === label ? 150 : 0));
      }
      await sharp(px, { raw: { width: PX, height: PX, channels: 1 } }).png().toFile(join(dir, name, `${i}.png`));
    }
  }
  return dir;
}

/** Pins the cpu backend, standing in for backend selection. */
export async function cpuBackend(): Promise<BackendReport> {
  await tf.setBackend('cpu');
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, skipped: [] };
}
