// HTTPS paths: through a CONNECT proxy with TLS inside the tunnel, and the
// redirect allowance a reviewed catalog entry may carry (TF Hub → Kaggle →
// GCS). Needs a certificate, made here with the openssl CLI; skipped where
// openssl is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullModel } from '../../src/engine/sources/resolve';
import { CATALOG, type CatalogEntry } from '../../src/engine/sources/catalog';
import { makeModelFiles, startConnectProxy, tempCache } from './sources-fixture';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function makeCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ft-tls-'));
  const result = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  assert.equal(result.status, 0, result.stderr?.toString());
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('HTTPS through a CONNECT proxy, and a catalog entry allowed to redirect to its listed host', { skip: !hasOpenssl && 'openssl not installed' }, async () => {
  const tls = makeCert();
  const files = makeModelFiles();
  const served: string[] = [];
  const serveFiles = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const name = new URL(req.url ?? '/', 'https://x').pathname.replace(/^\/m\//, '');
    served.push(name);
    const body = files[name];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  };
  const origin = https.createServer(tls, serveFiles);
  const originPort = await listen(origin);
  // A "hub" that sends every file on to the origin under another host name, as TF Hub does to Kaggle/GCS.
  const hub = https.createServer(tls, (req, res) => res.writeHead(302, { location: `https://localhost:${originPort}${req.url}` }).end());
  const hubPort = await listen(hub);
  const { port: proxyPort, connects, server: proxy } = await startConnectProxy();
  try {
    const pulled = await pullModel(`https://127.0.0.1:${originPort}/m/model.json`, {
      cacheDir: tempCache(),
      env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` },
      ca: tls.cert,
    });
    assert.deepEqual(readFileSync(join(pulled.dir, 'group1-shard1of2.bin')), files['group1-shard1of2.bin']);
    assert.deepEqual(connects, Array(3).fill(`127.0.0.1:${originPort}`), 'every file went through the tunnel');
    assert.deepEqual(served, ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);

    const hubUrl = `https://127.0.0.1:${hubPort}/m/model.json?tfjs-format=file`;
    await assert.rejects(pullModel(hubUrl, { cacheDir: tempCache(), env: {}, ca: tls.cert }), new RegExp(`redirected to another host \\(https://localhost:${originPort}\\); refusing to follow`));
    const entry: CatalogEntry = { ...CATALOG[1], id: 'hub-test', url: hubUrl, redirectHosts: ['localhost'] };
    const viaHub = await pullModel('hub-test', { cacheDir: tempCache(), env: {}, ca: tls.cert, catalog: [entry] });
    assert.deepEqual(readFileSync(join(viaHub.dir, 'group1-shard2of2.bin')), files['group1-shard2of2.bin']);
  } finally {
    for (const server of [origin, hub, proxy]) {
      server.closeAllConnections();
      server.close();
    }
  }
});
