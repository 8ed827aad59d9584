// The cache's atomic install: a failed install leaves nothing, a second
// process finishing after a good entry exists keeps that entry, a broken one
// is replaced; and format detection for resolved folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryPaths, inspectEntry, installEntry } from '../../src/engine/sources/cache';
import { detectModelFormat } from '../../src/engine/sources/resolve';
import type { DownloadedFile } from '../../src/engine/sources/download';
import { cacheListing, sha256, tempCache } from './sources-fixture';

function writer(content: string) {
  return async (modelDir: string): Promise<DownloadedFile[]> => {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, 'model.json'), content);
    return [{ name: 'model.json', bytes: Buffer.byteLength(content), sha256: sha256(Buffer.from(content)) }];
  };
}

const meta = { source: 'http://example.test/model.json' };

test('a failing install leaves no temp folder and no entry', async () => {
  const root = tempCache();
  await assert.rejects(
    installEntry({
      root,
      key: 'k',
      meta,
      populate: writer('{}'),
      validate: async () => {
        throw new Error('validation failed');
      },
    }),
    /validation failed/,
  );
  assert.deepEqual(cacheListing(root), []);
});

test('an install that finds a good entry already in place keeps it; a broken one is replaced', async () => {
  const root = tempCache();
  await installEntry({ root, key: 'k', meta, populate: writer('{"first":1}') });
  // A second process finishing the same download later: the rename hits a non-empty folder.
  await installEntry({ root, key: 'k', meta, populate: writer('{"second":2}') });
  const { modelDir } = entryPaths(root, 'k');
  assert.equal(readFileSync(join(modelDir, 'model.json'), 'utf8'), '{"first":1}');

  writeFileSync(join(modelDir, 'model.json'), '{"tampered":1}');
  assert.equal((await inspectEntry(root, 'k')).status, 'broken');
  await installEntry({ root, key: 'k', meta, populate: writer('{"third":3}') });
  assert.equal(readFileSync(join(modelDir, 'model.json'), 'utf8'), '{"third":3}');
  assert.equal((await inspectEntry(root, 'k')).status, 'ok');
  assert.deepEqual(cacheListing(root), ['k/', 'k/manifest.json', 'k/model/', 'k/model/model.json']);
});

test('a manifest naming a path outside the entry is treated as broken, not followed', async () => {
  const root = tempCache();
  await installEntry({ root, key: 'k', meta, populate: writer('{}') });
  const { manifestPath } = entryPaths(root, 'k');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.files[0].name = '../../../etc/passwd';
  writeFileSync(manifestPath, JSON.stringify(manifest));
  assert.deepEqual(await inspectEntry(root, 'k'), { status: 'broken', reason: 'manifest.json names an unsafe path' });
});

test('detectModelFormat tells Graph from Layers model folders', async () => {
  const root = tempCache();
  mkdirSync(join(root, 'g'));
  writeFileSync(join(root, 'g/model.json'), JSON.stringify({ format: 'graph-model' }));
  mkdirSync(join(root, 'l'));
  writeFileSync(join(root, 'l/model.json'), JSON.stringify({ format: 'layers-model' }));
  assert.equal(await detectModelFormat(join(root, 'g')), 'graph');
  assert.equal(await detectModelFormat(join(root, 'l')), 'layers');
  await assert.rejects(detectModelFormat(join(root, 'none')), /none: does not exist/);
});
