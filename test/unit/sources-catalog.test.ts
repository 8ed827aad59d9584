// The catalog's entries, the cached flags the quick pick shows, built-in
// entries, and the proxy rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG, findCatalogEntry, formatBytes, type CatalogEntry } from '../../src/engine/sources/catalog';
import { listCatalog, pullModel, resolveModel } from '../../src/engine/sources/resolve';
import { bypassesProxy, proxyFor } from '../../src/engine/sources/proxy';
import { cacheKey, defaultCacheDir } from '../../src/engine/sources/cache';
import { PreprocessingSchema } from '../../src/shared/preprocessing';
import { startModelServer, tempCache } from './sources-fixture';

test('catalog entries are complete and well-formed', () => {
  const ids = CATALOG.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'unique ids');
  for (const entry of CATALOG) {
    assert.match(entry.id, /^[a-z0-9][a-z0-9._-]*$/, entry.id);
    assert.equal(cacheKey(entry.id, false), entry.id, `${entry.id} is its own cache folder name`);
    assert.doesNotThrow(() => PreprocessingSchema.parse(entry.preprocessing), entry.id);
    assert.equal(entry.preprocessing.height, entry.inputSize.height);
    assert.equal(entry.preprocessing.width, entry.inputSize.width);
    assert.equal(entry.preprocessing.channels, entry.inputSize.channels);
    assert.ok(entry.license && entry.approxBytes > 0, entry.id);
    if (!entry.builtin) {
      const url = new URL(entry.url);
      assert.equal(url.protocol, 'https:', entry.id);
      assert.match(url.pathname, /\/model\.json$/, entry.id);
    }
  }
});

test('the catalog holds MobileNet v1 at every width, v2/v3 feature vectors and the demo', () => {
  for (const alpha of ['0.25', '0.50', '0.75', '1.0']) {
    const entry = findCatalogEntry(`mobilenet-v1-${alpha}-224`);
    assert.equal(entry?.url, `https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_${alpha}_224/model.json`);
    assert.equal(entry?.format, 'layers');
    assert.equal(entry?.defaultCut, 'conv_pw_13_relu');
    assert.deepEqual(entry?.preprocessing.range, { kind: 'symmetric' });
  }
  const graphs = CATALOG.filter((e) => e.format === 'graph');
  assert.ok(graphs.some((e) => /mobilenet_v2/.test(e.url)) && graphs.some((e) => /mobilenet_v3/.test(e.url)));
  for (const g of graphs) {
    assert.match(g.url, /^https:\/\/tfhub\.dev\/google\/tfjs-model\/imagenet\/.*\/feature_vector\/.*\/model\.json\?tfjs-format=file$/);
    assert.deepEqual(g.preprocessing.range, { kind: 'unit' });
  }
  assert.equal(findCatalogEntry('demo')?.builtin, true);
});

test('listCatalog marks cached entries, and only intact ones', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  const entries: CatalogEntry[] = [
    { ...CATALOG[1], id: 'tiny-a', url: `${server.base}model.json` },
    { ...CATALOG[1], id: 'tiny-b', url: `${server.base}model.json` },
  ];
  try {
    const opts = { cacheDir, env: {}, catalog: entries, extensionRoot: tempCache() };
    assert.deepEqual((await listCatalog(opts)).map((e) => e.cached), [false, false]);
    const pulled = await pullModel('tiny-b', opts);
    assert.deepEqual((await listCatalog(opts)).map((e) => [e.id, e.cached]), [['tiny-a', false], ['tiny-b', true]]);
    const shard = join(pulled.dir, 'group1-shard2of2.bin');
    const good = readFileSync(shard);
    writeFileSync(shard, Buffer.from(good.map((b) => b ^ 1)));
    assert.deepEqual((await listCatalog({ ...opts, verifyHashes: false })).map((e) => e.cached), [false, true], 'sizes only: same size passes');
    assert.deepEqual((await listCatalog(opts)).map((e) => e.cached), [false, false], 'hashes: a flipped byte is caught');
    writeFileSync(shard, '');
    assert.deepEqual((await listCatalog({ ...opts, verifyHashes: false })).map((e) => e.cached), [false, false], 'sizes only still catches an empty shard');
    assert.deepEqual((await listCatalog(opts)).map((e) => e.cached), [false, false], 'a zero-length shard is not "cached"');
    assert.equal(await resolveModel('tiny-b', opts), pulled.dir, 'resolveModel by id repairs and returns the same folder');
  } finally {
    await server.close();
  }
});

test('built-in entries resolve to the extension folder, and a missing one says how to regenerate it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ft-ext-'));
  const opts = { cacheDir: tempCache(), env: {}, extensionRoot: root };
  await assert.rejects(pullModel('demo', opts), /media[\\/]demo[\\/]model: built-in model "demo" is missing \(regenerate it with npm run make-demo\)/);
  mkdirSync(join(root, 'media/demo/model'), { recursive: true });
  writeFileSync(join(root, 'media/demo/model/model.json'), '{}');
  const pulled = await pullModel('demo', opts);
  assert.equal(pulled.dir, join(root, 'media/demo/model'));
  assert.equal(pulled.fromCache, true);
  assert.equal((await listCatalog(opts)).find((e) => e.id === 'demo')?.cached, true);
});

test('an unknown id that is not a URL or a path is one clear line', async () => {
  await assert.rejects(pullModel('mobilenet-v9', { cacheDir: tempCache(), env: {} }), /^ModelFileError: mobilenet-v9: not a catalog id or an http\(s\) URL \(see: finetune models list\)$/m);
});

test('NO_PROXY and HTTPS_PROXY follow the usual rules', () => {
  const u = (s: string) => new URL(s);
  assert.equal(bypassesProxy(u('https://a.example.com/x'), '.example.com'), true);
  assert.equal(bypassesProxy(u('https://example.com/x'), 'example.com'), true);
  assert.equal(bypassesProxy(u('https://notexample.com/x'), 'example.com'), false);
  assert.equal(bypassesProxy(u('https://a.example.com/x'), '*.example.com'), true);
  assert.equal(bypassesProxy(u('http://h:8080/x'), 'h:8080'), true);
  assert.equal(bypassesProxy(u('http://h:9090/x'), 'h:8080'), false);
  assert.equal(bypassesProxy(u('https://anything/x'), '*'), true);
  const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'internal.corp' };
  assert.equal(proxyFor(u('https://tfhub.dev/x'), { env })?.href, 'http://proxy:3128/');
  assert.equal(proxyFor(u('https://internal.corp/x'), { env }), null);
  assert.equal(proxyFor(u('https://tfhub.dev/x'), { env: { https_proxy: 'proxy:8080' } })?.host, 'proxy:8080');
  assert.equal(proxyFor(u('https://tfhub.dev/x'), { env, proxy: '' }), null, 'an empty explicit setting means direct');
  assert.equal(proxyFor(u('https://tfhub.dev/x'), { env: {}, proxy: 'http://vscode-proxy:80' })?.hostname, 'vscode-proxy');
  assert.throws(() => proxyFor(u('https://tfhub.dev/x'), { env: { HTTPS_PROXY: 'socks5://p:1080' } }), /only http:\/\/ proxies are supported/);
});

test('cache folder and sizes', () => {
  assert.equal(defaultCacheDir({ FINETUNE_CACHE_DIR: '/x/cache' }), '/x/cache');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }), join('/xdg', 'finetune-studio', 'models'));
  assert.match(cacheKey('https://h/model.json', true), /^url-[0-9a-f]{20}$/);
  assert.notEqual(cacheKey('https://h/a/model.json', true), cacheKey('https://h/b/model.json', true));
  assert.equal(formatBytes(17_000_000), '17 MB');
  assert.equal(formatBytes(1_900_000), '1.9 MB');
});

test('the catalog and downloader load no tfjs (the extension host imports them at activation)', () => {
  const script = "require('./src/engine/sources/resolve.ts'); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@tensorflow'))))";
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), []);
  // The same check sees tfjs when it is loaded, so it can fail.
  const control = spawnSync(process.execPath, ['--import', 'tsx', '-e', script.replace('sources/resolve.ts', 'model/graphModel.ts')], { encoding: 'utf8' });
  assert.ok(JSON.parse(control.stdout).length > 0);
});
