// Bad files are skipped with a reason by decodeSamples and never abort it;
// the pixel cap refuses huge images from their header; BMP is read by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeSamples, MAX_INPUT_PIXELS, type Sample } from '../../src/engine/data/dataset';
import { pre, solidPng, tempDir } from './data-fixtures';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A grey PNG whose header says width × height; only its first rows carry data (decoding it fully would need 400 MB). */
function hugePngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const rows = deflateSync(Buffer.alloc((width + 1) * 4));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

/** An uncompressed BMP: 24-bit, or 8-bit with a grey palette; bottom-up rows as most writers store them. */
function bmp(width: number, height: number, bpp: 24 | 8, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const palette = bpp === 8 ? 256 * 4 : 0;
  const offset = 14 + 40 + palette;
  const buf = Buffer.alloc(offset + stride * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  for (let i = 0; bpp === 8 && i < 256; i++) buf.fill(i, 54 + i * 4, 54 + i * 4 + 3);
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      if (bpp === 8) buf[row + x] = r;
      else buf.set([b, g, r], row + x * 3);
    }
  }
  return buf;
}

test('each bad file is skipped with its reason; the good ones decode in order', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
  const png = await solidPng(77, { width: 64, height: 64 });
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  const files: Record<string, Buffer | string> = {
    'good1.png': await solidPng(10),
    'truncated.jpg': jpeg.subarray(0, jpeg.length >> 1),
    'truncated.png': png.subarray(0, png.length >> 1),
    'zero.png': Buffer.alloc(0),
    'text.jpg': 'this is not an image at all',
    'photo.jpg': heic,
    'vector.png': '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    'huge.png': hugePngHeader(20000, 20000),
    'good2.jpg': jpeg,
    'deleted.png': await solidPng(5),
    'good3.png': await solidPng(250),
  };
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const samples: Sample[] = Object.keys(files).map((rel, i) => ({ file: join(dir, rel), rel, label: i % 2 }));
  await rm(join(dir, 'deleted.png')); // gone between scan and decode

  const progress: number[] = [];
  const out = await decodeSamples(samples, pre({ height: 2, width: 2 }), { onProgress: (d) => progress.push(d) });
  assert.deepEqual(out.samples.map((s) => s.rel), ['good1.png', 'good2.jpg', 'good3.png']);
  assert.equal(out.pixels.length, 3 * 2 * 2 * 3);
  assert.deepEqual(Array.from(out.pixels.slice(0, 3)), [10, 10, 10]);
  assert.deepEqual(Array.from(out.pixels.slice(24, 27)), [250, 250, 250], 'compacted: good3 follows good2');
  assert.deepEqual(progress.sort((a, b) => a - b), samples.map((_, i) => i + 1));

  const reasons = Object.fromEntries(out.skipped.map((s) => [s.file, s.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['deleted.png', 'huge.png', 'photo.jpg', 'text.jpg', 'truncated.jpg', 'truncated.png', 'vector.png', 'zero.png']);
  assert.match(reasons['truncated.jpg'], /truncated or corrupt|corrupt or unreadable/);
  assert.match(reasons['truncated.png'], /truncated or corrupt|corrupt or unreadable/);
  assert.match(reasons['zero.png'], /empty file \(0 bytes\)/);
  assert.match(reasons['text.jpg'], /not a recognised image/);
  assert.match(reasons['photo.jpg'], /HEIC/);
  assert.match(reasons['vector.png'], /SVG .*not rasterised/);
  assert.match(reasons['huge.png'], /20000×20000 pixels, over the cap/);
  assert.match(reasons['deleted.png'], /deleted or moved after the scan/);
});

test('the pixel cap is checked from the header: a huge image is refused at once', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
  await writeFile(join(dir, 'big.png'), hugePngHeader(side, side));
  const bigBmp = bmp(2, 2, 24, () => [0, 0, 0]);
  bigBmp.writeInt32LE(side, 18); // header claims side × side; the pixel data is 2×2
  bigBmp.writeInt32LE(side, 22);
  await writeFile(join(dir, 'big.bmp'), bigBmp);
  const started = Date.now();
  const out = await decodeSamples(
    ['big.png', 'big.bmp'].map((rel) => ({ file: join(dir, rel), rel, label: 0 })),
    pre(),
  );
  assert.equal(out.samples.length, 0);
  for (const s of out.skipped) assert.match(s.reason, /over the cap/);
  assert.ok(Date.now() - started < 2000, 'refused without decoding');
});

test('BMP: 24-bit and 8-bit palette files decode, top row first', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  // Top half red, bottom half blue, 4×4; the 8-bit one is a grey ramp by row. Both are
  // already 4×4, so no resampling blurs the rows.
  await writeFile(join(dir, 'rgb.bmp'), bmp(4, 4, 24, (_x, y) => (y < 2 ? [255, 0, 0] : [0, 0, 255])));
  await writeFile(join(dir, 'grey.bmp'), bmp(4, 4, 8, (_x, y) => [y * 80, y * 80, y * 80]));
  const out = await decodeSamples(
    ['rgb.bmp', 'grey.bmp'].map((rel) => ({ file: join(dir, rel), rel, label: 0 })),
    pre({ width: 4, height: 4, resize: 'stretch' }),
  );
  assert.deepEqual(out.skipped, []);
  const px = Array.from(out.pixels);
  assert.deepEqual(px.slice(0, 3), [255, 0, 0]);
  assert.deepEqual(px.slice(15 * 3, 16 * 3), [0, 0, 255]);
  const grey = px.slice(48);
  assert.equal(grey[0], 0);
  assert.equal(grey[12 * 3], 240, 'bottom row of the ramp');
});

test('decodeSamples stops when the signal aborts', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const samples: Sample[] = [];
  for (let i = 0; i < 20; i++) {
    await writeFile(join(dir, `${i}.png`), await solidPng(i, { seed: i + 1 }));
    samples.push({ file: join(dir, `${i}.png`), rel: `${i}.png`, label: 0 });
  }
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    decodeSamples(samples, pre(), {
      signal: controller.signal,
      onProgress: (done) => {
        seen = done;
        if (done === 3) controller.abort();
      },
    }),
    { name: 'AbortError' },
  );
  assert.ok(seen < samples.length, `stopped early (after ${seen})`);
});
