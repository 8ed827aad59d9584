// Issue 15: data problems are found when the dataset is chosen, not while
// training. The scan sniffs content and reads each header; a class that
// cannot be trained or measured is a blocking error that says how to fix it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { scanDataset } from '../../src/engine/data/dataset';
import { unreadableReason } from '../../src/engine/data/headerCheck';
import { classImages, solidPng, tempDir, writeTree } from './data-fixtures';

const opts = { validationSplit: 0.2, seed: 7 };

test('a corrupt PNG is listed as skipped at scan time and not counted in its class', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const good = await solidPng(100);
  await writeTree(dir, {
    ...(await classImages('', { a: 10, b: 10 })),
    // PNG signature, then garbage: sniffing alone would call it a PNG.
    'a/corrupt.png': Buffer.concat([good.subarray(0, 8), Buffer.from('this is not an IHDR chunk at all, just bytes')]),
    'b/text.jpg': 'hello, not a JPEG',
  });
  const ds = await scanDataset(dir, opts);
  const reasons = Object.fromEntries(ds.health.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons['a/corrupt.png'], /corrupt or unreadable image/);
  assert.match(reasons['b/text.jpg'], /not a recognised image/);
  const a = ds.health.classes.find((c) => c.name === 'a')!;
  assert.equal(a.train + a.validation, 10, 'the corrupt file is not in the totals');
  assert.ok(![...ds.train, ...ds.validation].some((s) => s.rel === 'a/corrupt.png'));
  assert.deepEqual(ds.health.errors, []);
});

test('header check: a JPEG whose size sits after a large EXIF block still reads; a truncated header does not', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  // Two full-size APP15 segments after the SOI push the frame header past the first 64 KiB, as a big EXIF block does.
  const plain = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const app = Buffer.concat([Buffer.from([0xff, 0xef, 0xff, 0xff]), Buffer.alloc(0xffff - 2, 0x20)]);
  const big = Buffer.concat([plain.subarray(0, 2), app, app, plain.subarray(2)]);
  assert.ok(big.length > 64 * 1024, `fixture is ${big.length} bytes`);
  await writeTree(dir, { 'big.jpg': big, 'cut.jpg': big.subarray(0, 20) });
  assert.equal(await unreadableReason(`${dir}/big.jpg`, big.length), null);
  assert.match((await unreadableReason(`${dir}/cut.jpg`, 20)) ?? '', /corrupt|truncated/);
});

test('a class with one training image and no validation image blocks training and says how to fix it', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { cats: 10, dogs: 10, lonely: 1 }));
  const ds = await scanDataset(dir, opts);
  assert.deepEqual(ds.health.errors, ["class 'lonely' has 1 training image; at least 2 are needed. Add images to lonely/ or remove that folder."]);
});

test('a class with training images but none for validation is an error naming the folder to fill', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, { ...(await classImages('train/', { a: 5, b: 5 })), ...(await classImages('validation/', { a: 2 })) });
  const ds = await scanDataset(dir, opts);
  assert.deepEqual(ds.health.errors, ["class 'b' has no validation images, so its accuracy cannot be measured. Add images to validation/b/."]);
  await writeTree(dir, await classImages('validation/', { b: 2 }));
  assert.deepEqual((await scanDataset(dir, opts)).health.errors, [], 'fixed once the folder has images');
});
