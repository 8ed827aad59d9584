// Bad dataset layouts: each is one clear DatasetError line, or a skip with a
// reason, and none hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError, scanDataset } from '../../src/engine/data/dataset';
import { classImages, tempDir, writeTree } from './data-fixtures';

const opts = { validationSplit: 0.2, seed: 1 };

async function scanError(root: string): Promise<string> {
  const err = await scanDataset(root, opts).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
  assert.ok(!err.message.includes('\n'), 'one line');
  return err.message;
}

test('missing folder, and a file instead of a folder', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  assert.match(await scanError(join(dir, 'nope')), /^Dataset folder not found: .*nope$/);
  await writeFile(join(dir, 'file.png'), 'x');
  assert.match(await scanError(join(dir, 'file.png')), /not a folder/);
});

test('no class folders at all', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, { 'a.png': 'x', 'b.png': 'y' });
  assert.match(await scanError(dir), /No class folders in .*one sub-folder per class/);
});

test('a single class', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { cats: 3 }));
  assert.match(await scanError(dir), /Only one class \('cats'\) in .*at least 2 class folders are needed$/);
});

test('the parent of a dataset: one class whose images are all in sub-folders suggests the right folder', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('mydata/', { cats: 2, dogs: 2 }));
  assert.match(await scanError(dir), /did you mean to choose .*mydata\?$/);
});

test('an empty class folder next to a single real class', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { cats: 3 }));
  await mkdir(join(dir, 'dogs'));
  assert.match(await scanError(dir), /Only one class \('cats'\) has usable images/);
});

test('a class of one image is kept and flagged; two one-image classes still scan', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { a: 1, b: 1 }));
  const ds = await scanDataset(dir, opts);
  assert.deepEqual(ds.health.tooSmall, ['a', 'b']);
  assert.equal(ds.validation.length, 0, 'a single image cannot be split');
});

test('class names that differ only in case', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { Cats: 2 }));
  await writeTree(dir, await classImages('', { cats: 2 }));
  if (!existsSync(join(dir, 'Cats')) || !existsSync(join(dir, 'cats')) || (await import('node:fs')).readdirSync(dir).length < 2) {
    t.skip('case-insensitive file system');
    return;
  }
  assert.match(await scanError(dir), /Class folders 'Cats' and 'cats' differ only in case/);
});

test('case clash across splits (train/cats, validation/Cats)', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, { ...(await classImages('train/', { cats: 2, dogs: 2 })), ...(await classImages('validation/', { Cats: 1, dogs: 1 })) });
  assert.match(await scanError(dir), /'Cats' and 'cats' differ only in case|'cats' and 'Cats' differ only in case/);
});

test('both validation/ and val/', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, {
    ...(await classImages('train/', { a: 2, b: 2 })),
    ...(await classImages('validation/', { a: 1, b: 1 })),
    ...(await classImages('val/', { a: 1, b: 1 })),
  });
  assert.match(await scanError(dir), /two validation folders/);
});

test('a symlink loop inside a class is skipped with a reason, not followed forever', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { a: 2, b: 2 }));
  await symlink('..', join(dir, 'a', 'up')); // a/up -> dataset root -> a/up -> …
  await symlink(join(dir, 'a'), join(dir, 'a', 'self'));
  await symlink(join(dir, 'a', 'self-loop'), join(dir, 'a', 'self-loop')); // ELOOP
  await symlink(join(dir, 'nowhere.png'), join(dir, 'b', 'broken.png'));
  const ds = await scanDataset(dir, opts);
  assert.equal(ds.train.length + ds.validation.length, 4);
  const reasons = Object.fromEntries(ds.health.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons['a/up/'], /already read \(symbolic link loop/);
  assert.match(reasons['a/self/'], /already read/);
  assert.match(reasons['a/self-loop'], /symbolic link loop/);
  assert.match(reasons['b/broken.png'], /broken symbolic link/);
});

test('a file deleted between listing and sizing is skipped with a reason', async (t) => {
  // Simulated with a link whose target disappears: listing sees an entry, stat fails.
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, await classImages('', { a: 2, b: 2 }));
  await symlink(join(dir, 'gone.png'), join(dir, 'a', 'gone.png'));
  const ds = await scanDataset(dir, opts);
  assert.ok(ds.health.skipped.some((s) => s.file === 'a/gone.png' && /broken symbolic link/.test(s.reason)));
});
