// Hostile download faults. Each asserts a specific one-line error naming the
// file's URL and the problem, that no temp folder is left, and that the
// cache is exactly as it was (a good entry for another model stays).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pullModel, type PullOptions } from '../../src/engine/sources/resolve';
import type { CatalogEntry } from '../../src/engine/sources/catalog';
import { CATALOG } from '../../src/engine/sources/catalog';
import { cacheListing, makeModelFiles, sha256, startModelServer, tempCache, type ModelServer } from './sources-fixture';

let server: ModelServer;
let other: ModelServer;
before(async () => {
  server = await startModelServer();
  other = await startModelServer(makeModelFiles(7));
});
beforeEach(() => server.reset());
after(async () => {
  await server.close();
  await other.close();
});

/** A cache holding one good entry (from the other server), as the user's cache would. */
async function seededCache(): Promise<string> {
  const cacheDir = tempCache();
  await pullModel(`${other.base}model.json`, { cacheDir, env: {} });
  return cacheDir;
}

/** Runs a pull expected to fail; checks the message, one line, no temp files, cache unchanged. */
async function expectFault(url: string, message: RegExp, options: Partial<PullOptions> = {}): Promise<void> {
  const cacheDir = await seededCache();
  const beforeListing = cacheListing(cacheDir);
  const error = await pullModel(url, { cacheDir, env: {}, idleTimeoutMs: 2000, ...options }).then(
    () => assert.fail(`pull of ${url} should have failed`),
    (e: Error) => e,
  );
  assert.match(error.message, message);
  assert.doesNotMatch(error.message, /\n/, 'one line');
  assert.deepEqual(cacheListing(cacheDir), beforeListing, 'cache as it was, no temp files');
}

const url = () => `${server.base}model.json`;

test('an HTML 404 page for a shard', async () => {
  server.route('/m/group1-shard2of2.bin', (_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>gone</html>'));
  await expectFault(url(), /^http:\/\/127\.0\.0\.1:\d+\/m\/group1-shard2of2\.bin: HTTP 404 Not Found \(an HTML error page, not model data\)$/);
});

test('an HTML 500 page for model.json', async () => {
  server.route('/m/model.json', (_q, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html>oops</html>'));
  await expectFault(url(), /\/m\/model\.json: HTTP 500 Internal Server Error \(an HTML error page, not model data\)$/);
});

test('an HTML page with status 200 is not taken for weights', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>login</html>'));
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: the server sent an HTML page, not model data$/);
});

test('a compressed body that was not asked for', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.alloc(10)));
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: the server sent it compressed \(Content-Encoding: gzip\) although none was asked for$/);
});

test('a redirect to another host is refused; a same-origin redirect is followed', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => res.writeHead(302, { location: `http://localhost:${other.port}/m/group1-shard1of2.bin` }).end());
  const otherHits = other.hits.get('/m/group1-shard1of2.bin') ?? 0;
  await expectFault(url(), new RegExp(`/m/group1-shard1of2\\.bin: redirected to another host \\(http://localhost:${other.port}\\); refusing to follow$`));
  assert.equal(other.hits.get('/m/group1-shard1of2.bin'), otherHits + 1, 'only the seeding pull reached the other host');

  server.route('/m/group1-shard1of2.bin', (_q, res) => res.writeHead(301, { location: '/m/moved.bin' }).end());
  server.route('/m/moved.bin', (_q, res) => res.writeHead(200, { 'content-length': 56 }).end(server.files['group1-shard1of2.bin']));
  const pulled = await pullModel(url(), { cacheDir: tempCache(), env: {} });
  assert.equal(pulled.manifest?.files.find((f) => f.name === 'group1-shard1of2.bin')?.sha256, sha256(server.files['group1-shard1of2.bin']));
});

test('a connection dropped mid-shard (chunked, no Content-Length)', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(20), () => setTimeout(() => res.socket?.destroy(), 20));
  });
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: connection dropped mid-file after 20 bytes$/);
});

test('a Content-Length the body does not match', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => {
    res.writeHead(200, { 'content-length': 56 });
    res.write(Buffer.alloc(30), () => setTimeout(() => res.socket?.destroy(), 20));
  });
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: Content-Length said 56 bytes but the connection dropped after 30$/);
});

test('a body over the per-file cap, declared or streamed', async () => {
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: Content-Length 56 bytes is over the cap of 40 bytes$/, { limits: { maxShardBytes: 40 } });
  server.route('/m/group1-shard1of2.bin', (_q, res) => {
    res.writeHead(200);
    // Streams forever; the cap must stop it.
    const pump = () => res.write(Buffer.alloc(1024), () => !res.destroyed && setImmediate(pump));
    pump();
  });
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: body is over the cap of 4096 bytes$/, { limits: { maxShardBytes: 4096 } });
});

test('a total over the cap is refused from the weight specs, before any shard is fetched', async () => {
  const hits = server.hits.get('/m/group1-shard1of2.bin') ?? 0;
  await expectFault(url(), /\/m\/model\.json: weights declare 60 bytes, over the cap of 50 bytes$/, { limits: { maxTotalBytes: 50 } });
  assert.equal(server.hits.get('/m/group1-shard1of2.bin') ?? 0, hits);
});

test('a sha256 that differs from the catalog pin', async () => {
  const entry: CatalogEntry = {
    ...CATALOG.find((e) => e.id === 'mobilenet-v1-0.25-224')!,
    id: 'pinned-test',
    url: url(),
    sha256: { 'group1-shard2of2.bin': 'ab'.repeat(32) },
  };
  await expectFault('pinned-test', new RegExp(`/m/group1-shard2of2\\.bin: sha256 mismatch: expected ${'ab'.repeat(32)}, got ${sha256(server.files['group1-shard2of2.bin'])}$`), {
    catalog: [entry],
  });
});

test('a server that stops sending times out with a clear message', async () => {
  server.route('/m/group1-shard2of2.bin', (_q, res) => {
    res.writeHead(200, { 'content-length': 4 });
    res.write(Buffer.alloc(1));
  });
  await expectFault(url(), /\/m\/group1-shard2of2\.bin: timed out: no data for 300 ms \(server too slow or stalled\)$/, { idleTimeoutMs: 300 });
});

test('a trickling server hits the whole-file time-out', async () => {
  server.route('/m/group1-shard1of2.bin', (_q, res) => {
    res.writeHead(200, { 'content-length': 56 });
    const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(Buffer.alloc(1))), 20);
  });
  await expectFault(url(), /\/m\/group1-shard1of2\.bin: timed out: not complete after 400 ms \(server too slow\)$/, { idleTimeoutMs: 300, totalTimeoutMs: 400 });
});

test('a server that never answers times out', async () => {
  const silent = http.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const port = (silent.address() as AddressInfo).port;
    await expectFault(`http://127.0.0.1:${port}/model.json`, /:\d+\/model\.json: timed out: no response within 300 ms/, { idleTimeoutMs: 300 });
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('weight paths that leave the folder or the origin are refused before any shard is fetched', async () => {
  const bad = ['../evil.bin', '/abs.bin', '%2e%2e/evil.bin', 'http://evil.example/x.bin', '..\\evil.bin', 'model.json'];
  for (const path of bad) {
    const json = JSON.parse(server.files['model.json'].toString());
    json.weightsManifest[0].paths = [path, 'group1-shard2of2.bin'];
    const body = Buffer.from(JSON.stringify(json));
    server.route('/m/evil/model.json', (_q, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    await expectFault(`${server.base}evil/model.json`, /\/m\/evil\/model\.json: weight path '.*' (is absolute|leaves the model folder|contains a percent-encoded escape|looks like a URL|contains a backslash|would overwrite model\.json)/);
  }
  assert.equal(server.hits.get('/m/evil/group1-shard2of2.bin'), undefined);
});

test('a download that passes the network checks but holds NaN weights is refused by the model validator', async () => {
  const files = makeModelFiles();
  const poisoned = Buffer.from(files['group1-shard1of2.bin']);
  poisoned.writeFloatLE(Number.NaN, 8);
  server.route('/m/nan/model.json', (_q, res) => res.writeHead(200).end(files['model.json']));
  server.route('/m/nan/group1-shard1of2.bin', (_q, res) => res.writeHead(200).end(poisoned));
  server.route('/m/nan/group1-shard2of2.bin', (_q, res) => res.writeHead(200).end(files['group1-shard2of2.bin']));
  await expectFault(`${server.base}nan/model.json`, /\/m\/nan\/model\.json: weight 'dense\/kernel' holds NaN or Inf \(element 2\)$/);
});

test('Keras, PyTorch, pickle and SavedModel URLs are refused with conversion advice, without a request', async () => {
  const before = [...server.hits.values()].reduce((a, b) => a + b, 0);
  const cases: [string, RegExp][] = [
    [`${server.base}model.h5`, /model\.h5: is a Keras model file: only TF\.js models are downloaded; download it yourself and open the local file/],
    [`${server.base}model.keras`, /model\.keras: is a Keras model file: only TF\.js models are downloaded/],
    [`${server.base}weights.pt`, /weights\.pt: is a PyTorch file: never loaded/],
    [`${server.base}model.pkl`, /model\.pkl: is a Python pickle: never loaded/],
    [`${server.base}saved_model.pb`, /saved_model\.pb: .*tensorflowjs_converter --input_format=tf_saved_model/],
    [`${server.base}export/saved_model/`, /saved_model\/: is a TensorFlow SavedModel, not TF\.js.*tensorflowjs_converter --input_format=tf_saved_model/],
  ];
  for (const [target, message] of cases) await expectFault(target, message);
  assert.equal([...server.hits.values()].reduce((a, b) => a + b, 0), before, 'nothing was requested');
});
