// decodeImageFile / decodeSamples: formats, colour conversion, orientation,
// resize modes and value ranges. Every fixture is written here with sharp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CreateRaw, Sharp } from 'sharp';
import { decodeImageFile } from '../../src/engine/data/dataset';
import { pre, solidPng, tempDir } from './data-fixtures';

/** A solid RGB image encoded by `encode`. */
function solid(rgb: [number, number, number], w = 8, h = 8): Sharp {
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
}

async function decodeBytes(bytes: Buffer, name: string, p = pre()): Promise<number[]> {
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, name), bytes);
    return Array.from(await decodeImageFile(join(dir, name), p));
  } finally {
    await cleanup();
  }
}

const near = (actual: number[], expected: number[], tol = 1e-5) =>
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i % expected.length]) <= tol), `${actual.slice(0, 6)} ≉ ${expected}`);

test('value ranges: raw, unit, symmetric, meanStd, and bgr order', async () => {
  const png = await solid([200, 100, 50]).png().toBuffer();
  near(await decodeBytes(png, 'a.png', pre({ range: { kind: 'raw' } })), [200, 100, 50], 0);
  near(await decodeBytes(png, 'a.png', pre({ range: { kind: 'unit' } })), [200 / 255, 100 / 255, 50 / 255]);
  near(await decodeBytes(png, 'a.png', pre({ range: { kind: 'symmetric' } })), [200 / 127.5 - 1, 100 / 127.5 - 1, 50 / 127.5 - 1]);
  const meanStd = { kind: 'meanStd' as const, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] };
  near(await decodeBytes(png, 'a.png', pre({ range: meanStd })), [(200 / 255 - 0.5) / 0.2, (100 / 255 - 0.4) / 0.25, (50 / 255 - 0.3) / 0.5]);
  near(await decodeBytes(png, 'a.png', pre({ channelOrder: 'bgr' })), [50, 100, 200], 0);
});

test('a mean/std list of the wrong length is one clear error', async () => {
  const png = await solidPng(10);
  await assert.rejects(decodeBytes(png, 'a.png', pre({ range: { kind: 'meanStd', mean: [0.5, 0.5], std: [1] } })), /mean has 2 values; expected 1 or 3/);
});

test('grey becomes RGB (three equal channels), and RGB becomes grey for a 1-channel model', async () => {
  const grey = await solidPng(100, { channels: 1 });
  const rgb = await decodeBytes(grey, 'g.png');
  assert.equal(rgb.length, 4 * 4 * 3);
  near(rgb, [100, 100, 100], 0);
  const one = await decodeBytes(await solid([90, 90, 90]).png().toBuffer(), 'c.png', pre({ channels: 1 }));
  assert.equal(one.length, 4 * 4);
  near(one, [90], 1);
});

test('grey+alpha, RGBA, palette, 16-bit and CMYK all convert to RGB', async () => {
  const greyAlpha = await sharp(Buffer.alloc(8 * 8 * 2, 200), { raw: { width: 8, height: 8, channels: 2 } }).toColourspace('b-w').png().toBuffer();
  assert.equal((await sharp(greyAlpha).metadata()).channels, 2);
  // sharp resizes with premultiplied alpha in 8 bits, so a half-transparent grey may move by a level or two.
  near(await decodeBytes(greyAlpha, 'ga.png'), [200, 200, 200], 3);

  const rgba = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
  near(await decodeBytes(rgba, 'rgba.png'), [255, 0, 0], 0); // alpha dropped, like PIL convert('RGB')

  const palette = await solid([0, 0, 255]).png({ palette: true }).toBuffer();
  assert.equal((await sharp(palette).metadata()).isPalette, true);
  near(await decodeBytes(palette, 'p.png'), [0, 0, 255], 2);

  const u16 = new Uint16Array(8 * 8 * 3).fill(0x8080);
  const png16 = await sharp(Buffer.from(u16.buffer), { raw: { width: 8, height: 8, channels: 3 } as CreateRaw & { depth: 'ushort' } })
    .toColourspace('rgb16')
    .png()
    .toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  near(await decodeBytes(png16, 'sixteen.png'), [128, 128, 128], 1);

  const cmyk = await solid([255, 0, 0]).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const px = await decodeBytes(cmyk, 'cmyk.jpg');
  assert.ok(px[0] > 180 && px[1] < 60 && px[2] < 60, `CMYK red decoded as ${px.slice(0, 3)}`);
});

test('JPEG, WebP, TIFF and the first frame of an animated GIF', async () => {
  near(await decodeBytes(await solid([10, 200, 30]).jpeg({ quality: 100 }).toBuffer(), 'a.jpg'), [10, 200, 30], 4);
  near(await decodeBytes(await solid([10, 200, 30]).webp({ lossless: true }).toBuffer(), 'a.webp'), [10, 200, 30], 0);
  near(await decodeBytes(await solid([10, 200, 30]).tiff().toBuffer(), 'a.tiff'), [10, 200, 30], 0);
  const frames = Buffer.alloc(4 * 8 * 3);
  for (let i = 0; i < 16; i++) frames[i * 3] = 255; // frame 1: red
  for (let i = 16; i < 32; i++) frames[i * 3 + 2] = 255; // frame 2: blue
  const gif = await sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } }).gif().toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  near(await decodeBytes(gif, 'anim.gif'), [255, 0, 0], 2);
});

test('a PNG named .jpg decodes by its content', async () => {
  near(await decodeBytes(await solid([1, 2, 3]).png().toBuffer(), 'really-a-png.jpg'), [1, 2, 3], 0);
});

/** 8×4, left half black, right half white, with an EXIF orientation. */
async function halves(orientation: number): Promise<Buffer> {
  const w = Buffer.alloc(8 * 4 * 3);
  for (let y = 0; y < 4; y++) w.fill(255, (y * 8 + 4) * 3, (y * 8 + 8) * 3);
  return sharp(w, { raw: { width: 8, height: 4, channels: 3 } }).withMetadata({ orientation }).jpeg({ quality: 100 }).toBuffer();
}

test('EXIF orientation 6 and 8 are applied', async () => {
  const rows = (px: number[]) => [0, 1, 2, 3].map((y) => Math.round(px.slice(y * 4, y * 4 + 4).reduce((a, b) => a + b, 0) / 4));
  const p = pre({ channels: 1, width: 4, height: 4 });
  const none = await decodeBytes(await halves(1), 'o1.jpg', p);
  assert.ok(none[0] < 30 && none[3] > 225, 'without rotation the left side is black');
  // 6: the stored image is displayed rotated 90° clockwise, so its left (black) side ends on top.
  const six = rows(await decodeBytes(await halves(6), 'o6.jpg', p));
  assert.ok(six[0] < 30 && six[3] > 225, `orientation 6 rows ${six}`);
  // 8: rotated 90° counter-clockwise, so the left side ends at the bottom.
  const eight = rows(await decodeBytes(await halves(8), 'o8.jpg', p));
  assert.ok(eight[0] > 225 && eight[3] < 30, `orientation 8 rows ${eight}`);
});

test('resize: stretch squeezes the whole image, centerCrop keeps the middle', async () => {
  // 12×4: red, green, blue thirds.
  const data = Buffer.alloc(12 * 4 * 3);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 12; x++) data[(y * 12 + x) * 3 + Math.floor(x / 4)] = 255;
  const png = await sharp(data, { raw: { width: 12, height: 4, channels: 3 } }).png().toBuffer();
  const crop = await decodeBytes(png, 'thirds.png', pre({ resize: 'centerCrop' }));
  near(crop, [0, 255, 0], 1);
  const stretch = await decodeBytes(png, 'thirds.png', pre({ resize: 'stretch' }));
  assert.ok(stretch[0] > 200 && stretch[1] < 60, 'the left column is still red');
  assert.ok(stretch[3 * 3 + 2] > 200, 'the right column is blue');
});
