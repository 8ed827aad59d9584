// `npm run make-demo` is deterministic: regenerating the sample dataset gives
// byte-identical PNGs to the committed ones. (The model part takes minutes;
// its determinism is checked by hand, see media/demo/README.md.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { writeDemoDataset } from '../../scripts/make-demo';
import { tempDir } from './data-fixtures';

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(root, join(dir, e.name)) : [relative(root, join(dir, e.name))])));
  return nested.flat().sort();
}

test('regenerating the demo dataset reproduces the committed files byte for byte', async (t) => {
  const { dir, cleanup } = await tempDir('ft-demo-');
  t.after(cleanup);
  const written = await writeDemoDataset(dir);
  const committed = resolve('media/demo/dataset');
  const files = await listFiles(dir);
  assert.equal(files.length, written);
  assert.equal(written, 1500);
  assert.deepEqual(await listFiles(committed), files);
  const differing: string[] = [];
  for (const f of files) {
    const [a, b] = await Promise.all([readFile(join(dir, f)), readFile(join(committed, f))]);
    if (!a.equals(b)) differing.push(f);
  }
  assert.deepEqual(differing, []);
});
