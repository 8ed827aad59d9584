// scanDataset: layouts, the seeded stratified split, and the health report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDataset } from '../../src/engine/data/dataset';
import { classImages, solidPng, tempDir, writeTree } from './data-fixtures';

const opts = { validationSplit: 0.2, seed: 7 };

test('class-folder layout: classes sorted, labels by index, each class split 80/20', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { zebra: 10, ant: 10, cat: 5 }));
  const ds = await scanDataset(dir, opts);
  assert.equal(ds.health.layout, 'classFolders');
  assert.deepEqual(ds.classes, ['ant', 'cat', 'zebra']);
  assert.deepEqual(
    ds.health.classes.map((c) => [c.name, c.train, c.validation, c.test]),
    [['ant', 8, 2, 0], ['cat', 4, 1, 0], ['zebra', 8, 2, 0]],
  );
  for (const s of [...ds.train, ...ds.validation]) assert.equal(ds.classes[s.label], s.rel.split('/')[0]);
  const all = [...ds.train, ...ds.validation].map((s) => s.rel).sort();
  assert.equal(new Set(all).size, 25, 'no file in both splits, none lost');
  assert.ok(ds.train.every((s) => s.file.startsWith(ds.root)));
});

test('split is deterministic for a seed and changes with the seed', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { a: 20, b: 20 }));
  const val = async (seed: number) => (await scanDataset(dir, { validationSplit: 0.25, seed })).validation.map((s) => s.rel);
  const first = await val(1);
  assert.deepEqual(await val(1), first);
  assert.notDeepEqual(await val(2), first);
  assert.equal(first.filter((r) => r.startsWith('a/')).length, 5, 'stratified: 25% of each class');
  assert.equal(first.filter((r) => r.startsWith('b/')).length, 5);
});

test('split-folder layout: train/validation/test used as given', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, {
    ...(await classImages('train/', { cats: 6, dogs: 4 })),
    ...(await classImages('validation/', { cats: 2, dogs: 3 })),
    ...(await classImages('test/', { cats: 1, dogs: 1 })),
  });
  const ds = await scanDataset(dir, opts);
  assert.equal(ds.health.layout, 'splitFolders');
  assert.deepEqual(ds.health.classes.map((c) => [c.name, c.train, c.validation, c.test]), [['cats', 6, 2, 1], ['dogs', 4, 3, 1]]);
  assert.ok(ds.test.every((s) => s.rel.startsWith('test/')));
});

test('train/ without validation/ is split by validationSplit; val/ is accepted too', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('train/', { a: 10, b: 10 }));
  const ds = await scanDataset(dir, opts);
  assert.deepEqual(ds.health.classes.map((c) => [c.train, c.validation]), [[8, 2], [8, 2]]);
  await writeTree(dir, await classImages('val/', { a: 1, b: 1 }));
  const withVal = await scanDataset(dir, opts);
  assert.deepEqual(withVal.health.classes.map((c) => [c.train, c.validation]), [[10, 1], [10, 1]]);
});

test('health report: imbalance, too-small classes, skipped files with reasons, hidden files ignored', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, {
    ...(await classImages('', { big: 12, small: 3, single: 1 })),
    'big/notes.txt': 'hello',
    'big/photo.heic': Buffer.from('x'),
    'big/drawing.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'big/empty.png': Buffer.alloc(0),
    'big/.DS_Store': Buffer.from([0, 0, 0, 1]),
    'small/Thumbs.db': 'x',
    'README.md': '# about',
  });
  const ds = await scanDataset(dir, opts);
  const h = ds.health;
  assert.equal(h.imbalanceRatio, 12);
  assert.deepEqual(h.tooSmall, ['single']);
  const reasons = Object.fromEntries(h.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons['big/notes.txt'], /not an image file \(\.txt\)/);
  assert.match(reasons['big/photo.heic'], /HEIC/);
  assert.match(reasons['big/drawing.svg'], /SVG .*not rasterised/);
  assert.match(reasons['big/empty.png'], /empty file/);
  assert.match(reasons['README.md'], /not inside a class folder/);
  assert.equal(reasons['big/.DS_Store'], undefined, 'hidden files are ignored, not listed');
  assert.ok(h.warnings.some((w) => /ignored 2 hidden or system file/.test(w)));
  assert.ok(h.warnings.some((w) => /imbalanced 12\.0:1/.test(w)));
  assert.ok(h.warnings.some((w) => /fewer than 2 images in: 'single'/.test(w)));
  assert.ok(h.warnings.some((w) => /5 file\(s\) skipped/.test(w)));
});

test('health report: identical content in two splits is reported by hash', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const same = await solidPng(42, { seed: 999 });
  await writeTree(dir, {
    ...(await classImages('train/', { a: 3, b: 3 })),
    ...(await classImages('validation/', { a: 1, b: 1 })),
    'train/a/copy.png': same,
    'validation/b/copy-in-other-class.png': same,
    'train/b/same-split-twice.png': same, // same split as train/a/copy.png: listed with the group, not a group of its own
  });
  const ds = await scanDataset(dir, opts);
  assert.equal(ds.health.crossSplitDuplicates.length, 1);
  const [dup] = ds.health.crossSplitDuplicates;
  assert.match(dup.hash, /^[0-9a-f]{40}$/);
  assert.deepEqual(dup.files, ['train/a/copy.png', 'train/b/same-split-twice.png', 'validation/b/copy-in-other-class.png']);
  assert.ok(ds.health.warnings.some((w) => /more than one split/.test(w)));
});

test('nested folders inside a class belong to the class, with a warning', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, { ...(await classImages('', { a: 2, b: 2 })), ...(await classImages('a/more/', { deeper: 2 })) });
  const ds = await scanDataset(dir, opts);
  assert.equal(ds.health.classes.find((c) => c.name === 'a')!.train + ds.health.classes.find((c) => c.name === 'a')!.validation, 4);
  assert.ok([...ds.train, ...ds.validation].some((s) => s.rel === 'a/more/deeper/img000.png' && s.label === 0));
  assert.ok(ds.health.warnings.some((w) => /nested folders were included in their class: 'a'/.test(w)));
});

test('an empty class folder is dropped with a warning when two others remain', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, { ...(await classImages('', { a: 2, b: 2 })), 'empty/.keep': '' });
  const ds = await scanDataset(dir, opts);
  assert.deepEqual(ds.classes, ['a', 'b']);
  assert.ok(ds.health.warnings.some((w) => /class folder 'empty' has no usable images; ignored/.test(w)));
});

test('progress is reported while scanning many files, and ends at done === total', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  // Scanning reads each header (no pixels), so the files are real images.
  const png = await solidPng(50);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 1000; i++) files[`${i % 2 ? 'odd' : 'even'}/${i}.png`] = png;
  await writeTree(dir, files);
  const calls: [number, number][] = [];
  const ds = await scanDataset(dir, { ...opts, onProgress: (d, n) => calls.push([d, n]) });
  assert.equal(ds.train.length + ds.validation.length, 1000);
  assert.ok(calls.length >= 3, `expected several progress calls, got ${calls.length}`);
  assert.ok(calls.every(([d, n]) => d <= n));
  const [lastDone, lastTotal] = calls[calls.length - 1];
  assert.equal(lastDone, lastTotal);
});
