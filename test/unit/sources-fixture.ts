// A loopback model server for the download tests: serves a tiny two-shard
// TF.js Layers model generated here, and lets each test replace any route
// with a fault (status pages, redirects, drops, stalls, oversized bodies).
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A dense 4→3 model: kernel (48 bytes) in shard 1 with 8 bytes of bias, the last 4 bias bytes in shard 2. */
export function makeModelFiles(seed = 1): Record<string, Buffer> {
  const weights = new Float32Array(15);
  let s = seed;
  for (let i = 0; i < weights.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    weights[i] = s / 2 ** 31 - 0.5;
  }
  const bytes = Buffer.from(weights.buffer);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'finetune-studio test',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'tiny',
        layers: [{ class_name: 'Dense', config: { name: 'dense', units: 3, batch_input_shape: [null, 4], use_bias: true, activation: 'linear' } }],
      },
      keras_version: 'tfjs-layers',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' },
          { name: 'dense/bias', shape: [3], dtype: 'float32' },
        ],
      },
    ],
  };
  return {
    'model.json': Buffer.from(JSON.stringify(modelJson)),
    'group1-shard1of2.bin': bytes.subarray(0, 56),
    'group1-shard2of2.bin': bytes.subarray(56),
  };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ModelServer {
  base: string;
  port: number;
  /** Requests per path (without query). */
  hits: Map<string, number>;
  files: Record<string, Buffer>;
  route(path: string, handler: Handler): void;
  /** Drops every custom route: all files are served normally again. */
  reset(): void;
  close(): Promise<void>;
}

/** Serves `files` under /m/ on 127.0.0.1; a route set by `route` replaces the file's normal answer. */
export async function startModelServer(files: Record<string, Buffer> = makeModelFiles()): Promise<ModelServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const custom = routes.get(path);
    if (custom) return custom(req, res);
    const name = path.replace(/^\/m\//, '');
    const body = files[name];
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}/m/`,
    port,
    hits,
    files,
    route: (path, handler) => routes.set(path, handler),
    reset: () => routes.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function tempCache(): string {
  return mkdtempSync(join(tmpdir(), 'ft-cache-'));
}

/** Everything in the cache root, sorted: used to assert "the cache is as it was" and "no temp files left". */
export function cacheListing(root: string): string[] {
  if (!existsSync(root)) return [];
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? [`${prefix}${d.name}/`, ...walk(join(dir, d.name), `${prefix}${d.name}/`)] : [`${prefix}${d.name}`],
    );
  return walk(root, '').sort();
}

export interface ConnectProxy {
  port: number;
  /** The `host:port` of every CONNECT request, in order. */
  connects: string[];
  server: http.Server;
}

/** An HTTP proxy on loopback that only tunnels (CONNECT), recording each target. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const connects: string[] = [];
  const server = http.createServer();
  server.on('connect', (req, socket: net.Socket) => {
    connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connects, server };
}
