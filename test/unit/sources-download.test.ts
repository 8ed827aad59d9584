// Downloads against a loopback server: files, manifest hashes, progress,
// the cache on later loads (and its repair), shared concurrent pulls,
// cancellation and the proxy path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { pullModel, resolveModel } from '../../src/engine/sources/resolve';
import { DownloadCancelledError } from '../../src/engine/sources/fetch';
import type { DownloadProgress } from '../../src/engine/sources/download';
import { cacheListing, sha256, startConnectProxy, startModelServer, tempCache } from './sources-fixture';

const quiet = { env: {} as NodeJS.ProcessEnv };

test('pull downloads model.json and every shard, records sha256, reports progress with total and ETA', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  try {
    const events: DownloadProgress[] = [];
    const pulled = await pullModel(`${server.base}model.json`, { ...quiet, cacheDir, onProgress: (p) => events.push(p) });
    assert.equal(pulled.fromCache, false);
    for (const [name, bytes] of Object.entries(server.files)) {
      assert.deepEqual(readFileSync(join(pulled.dir, name)), bytes, name);
      const recorded = pulled.manifest!.files.find((f) => f.name === name);
      assert.equal(recorded?.sha256, sha256(bytes), `${name} hash`);
      assert.equal(recorded?.bytes, bytes.length);
    }
    const total = Object.values(server.files).reduce((sum, b) => sum + b.length, 0);
    const last = events.at(-1)!;
    assert.equal(last.bytes, total);
    assert.equal(last.total, total);
    assert.equal(last.etaSeconds, 0);
    assert.ok(events.every((e, i) => i === 0 || e.bytes >= events[i - 1].bytes), 'bytes never go backwards');
    assert.ok(events.some((e) => e.file === 'group1-shard2of2.bin'));
    assert.deepEqual(cacheListing(cacheDir).filter((p) => /^\.(tmp|trash)-/.test(p)), []);
  } finally {
    await server.close();
  }
});

test('a later pull uses the cache after checking hashes; a damaged entry is downloaded again', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  try {
    const url = `${server.base}model.json`;
    const first = await pullModel(url, { ...quiet, cacheDir });
    const again = await pullModel(url, { ...quiet, cacheDir });
    assert.equal(again.fromCache, true);
    assert.equal(again.dir, first.dir);
    assert.equal(server.hits.get('/m/model.json'), 1);

    const damage: [string, () => void, RegExp][] = [
      ['zero-length shard', () => truncateSync(join(first.dir, 'group1-shard2of2.bin'), 0), /group1-shard2of2\.bin is empty/],
      ['missing shard', () => rmSync(join(first.dir, 'group1-shard1of2.bin')), /group1-shard1of2\.bin is missing/],
      [
        'same-size tampered shard',
        () => {
          const path = join(first.dir, 'group1-shard1of2.bin');
          const bytes = readFileSync(path);
          bytes[0] ^= 0xff;
          writeFileSync(path, bytes);
        },
        /group1-shard1of2\.bin sha256 mismatch/,
      ],
    ];
    let downloads = 1;
    for (const [label, breakIt, notice] of damage) {
      breakIt();
      const notices: string[] = [];
      const repaired = await pullModel(url, { ...quiet, cacheDir, onNotice: (m) => notices.push(m) });
      downloads++;
      assert.equal(repaired.fromCache, false, label);
      assert.match(notices.join('\n'), notice, label);
      assert.equal(server.hits.get('/m/model.json'), downloads, label);
      assert.deepEqual(readFileSync(join(repaired.dir, 'group1-shard1of2.bin')), server.files['group1-shard1of2.bin'], label);
      assert.deepEqual(readFileSync(join(repaired.dir, 'group1-shard2of2.bin')), server.files['group1-shard2of2.bin'], label);
    }
    assert.deepEqual(cacheListing(cacheDir).filter((p) => /^\.(tmp|trash)-/.test(p)), []);
  } finally {
    await server.close();
  }
});

test('two concurrent pulls of the same model share one download', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  try {
    const url = `${server.base}model.json`;
    const seen: number[] = [0, 0];
    const [a, b] = await Promise.all([
      pullModel(url, { ...quiet, cacheDir, onProgress: () => seen[0]++ }),
      pullModel(url, { ...quiet, cacheDir, onProgress: () => seen[1]++ }),
    ]);
    assert.equal(a.dir, b.dir);
    assert.equal(server.hits.get('/m/model.json'), 1);
    assert.equal(server.hits.get('/m/group1-shard1of2.bin'), 1);
    assert.ok(seen[0] > 0 && seen[1] > 0, 'both callers get progress');
  } finally {
    await server.close();
  }
});

test('cancelling stops the download and leaves nothing in the cache', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  try {
    // A shard that sends half its bytes and then waits forever.
    const controller = new AbortController();
    server.route('/m/group1-shard1of2.bin', (_req, res) => {
      res.writeHead(200, { 'content-length': 56 });
      res.write(Buffer.alloc(28));
      setTimeout(() => controller.abort(), 50);
    });
    const pending = pullModel(`${server.base}model.json`, { ...quiet, cacheDir, signal: controller.signal, idleTimeoutMs: 5000 });
    await assert.rejects(pending, DownloadCancelledError);
    assert.deepEqual(cacheListing(cacheDir), []);
  } finally {
    await server.close();
  }
});

test('downloads go through an explicit proxy, and NO_PROXY bypasses it', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  const proxied: string[] = [];
  // A forwarding HTTP proxy: absolute-form requests for http targets.
  const proxy = http.createServer((req, res) => {
    proxied.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    const url = `${server.base}model.json`;
    await pullModel(url, { cacheDir, env: { HTTP_PROXY: proxyUrl } });
    assert.deepEqual(proxied, [`${server.base}model.json`, `${server.base}group1-shard1of2.bin`, `${server.base}group1-shard2of2.bin`]);

    proxied.length = 0;
    const other = tempCache();
    await pullModel(url, { cacheDir: other, env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' } });
    assert.deepEqual(proxied, [], 'NO_PROXY host went direct');

    await pullModel(url, { cacheDir: tempCache(), env: {}, proxy: proxyUrl });
    assert.equal(proxied.length, 3, 'the explicit proxy option (VS Code http.proxy) is used');
  } finally {
    proxy.closeAllConnections();
    proxy.close();
    await server.close();
  }
});

test('the CONNECT tunnel used for HTTPS reaches the target through the proxy', async () => {
  const { openTunnel } = await import('../../src/engine/sources/proxy');
  const server = await startModelServer();
  const { port: proxyPort, connects, server: proxy } = await startConnectProxy();
  const proxyUrl = new URL(`http://127.0.0.1:${proxyPort}`);
  try {
    const socket = await openTunnel(proxyUrl, new URL(server.base), 2000);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.write(`GET /m/group1-shard2of2.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    assert.deepEqual(connects, [`127.0.0.1:${server.port}`]);
    assert.match(answer, /^HTTP\/1\.1 200/);
    assert.equal(answer.split('\r\n\r\n')[1].length, server.files['group1-shard2of2.bin'].length);
  } finally {
    proxy.closeAllConnections();
    proxy.close();
    await server.close();
  }
});

test('resolveModel turns a local folder or model.json path into the folder, and a URL into the cached folder', async () => {
  const server = await startModelServer();
  const cacheDir = tempCache();
  try {
    const dir = await resolveModel(`${server.base}model.json`, { ...quiet, cacheDir });
    assert.equal(await resolveModel(dir, { cacheDir }), dir);
    assert.equal(await resolveModel(join(dir, 'model.json'), { cacheDir }), dir);
    await assert.rejects(resolveModel(join(cacheDir, 'nope'), { cacheDir }), /nope: does not exist/);
  } finally {
    await server.close();
  }
});
