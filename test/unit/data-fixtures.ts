// Fixture helpers for the data tests: small images written with sharp into a
// temporary folder. Nothing is read from disk that the test did not write.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Preprocessing } from '../../src/shared/preprocessing';

export async function tempDir(prefix = 'ft-data-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A solid-colour image; `seed` varies the pixels so files differ in content. */
export async function solidPng(value: number, opts: { width?: number; height?: number; channels?: 1 | 3 | 4; seed?: number } = {}): Promise<Buffer> {
  const { width = 8, height = 8, channels = 3, seed = 0 } = opts;
  const data = Buffer.alloc(width * height * channels, value);
  if (seed) {
    data[0] = seed & 0xff; // different first bytes per seed, so content hashes differ
    data[1] = (seed >> 8) & 0xff;
  }
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

/** Writes `files` (relative path → bytes) under `root`, creating folders. */
export async function writeTree(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/** Every fixture image gets its own seed, so no two have the same content unless a test says so. */
let nextSeed = 1;

/** `count` distinct PNGs per class, under `prefix` (e.g. 'train/'). */
export async function classImages(prefix: string, counts: Record<string, number>): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const [cls, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) files[`${prefix}${cls}/img${String(i).padStart(3, '0')}.png`] = await solidPng(100, { seed: nextSeed++ });
  }
  return files;
}

export function pre(overrides: Partial<Preprocessing> = {}): Preprocessing {
  return { height: 4, width: 4, channels: 3, channelOrder: 'rgb', range: { kind: 'raw' }, resize: 'stretch', ...overrides };
}
