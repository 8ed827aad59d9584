// A generated 5-class image set for benchmarks: each class is a distinct
// colour and stripe pattern with per-image noise, so the classes are learnable
// but not identical. Deterministic for a seed, written once per folder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../src/engine/util/rng';

const CLASS_COLOURS: [number, number, number][] = [
  [220, 60, 60],
  [60, 200, 80],
  [60, 90, 220],
  [230, 200, 50],
  [160, 70, 200],
];

/** Writes `perClass` images per class into `root/<class>/`, size × size PNG. Returns root. */
export async function generateImageSet(root: string, perClass: number, size = 224, seed = 7): Promise<string> {
  const stamp = join(root, '.complete');
  if (existsSync(stamp)) return root;
  const rng = new Rng(seed);
  for (let c = 0; c < CLASS_COLOURS.length; c++) {
    const dir = join(root, `class_${c}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.alloc(size * size * 3);
      const [r, g, b] = CLASS_COLOURS[c];
      const period = 8 + c * 6;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const stripe = ((x + y * (c % 2)) / period) % 2 < 1 ? 1 : 0.55;
          const noise = 0.75 + rng.next() * 0.5;
          const o = (y * size + x) * 3;
          pixels[o] = Math.min(255, r * stripe * noise);
          pixels[o + 1] = Math.min(255, g * stripe * noise);
          pixels[o + 2] = Math.min(255, b * stripe * noise);
        }
      }
      await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(join(dir, `${i}.png`));
    }
  }
  writeFileSync(stamp, new Date().toISOString());
  return root;
}
