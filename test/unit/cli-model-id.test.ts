// `--model ID|URL|DIR` for train and summary. A loopback server serves a
// small Layers model; the CLI runs as a user runs it (child process, real exit
// codes): a URL is pulled into the cache with progress on stderr and then
// trained, a second run reuses the cache, a 404 is one line with exit 2 and
// leaves the cache as it was, and a local folder never touches the cache.
// Catalog ids resolve through the same path, tested in-process with a custom
// catalog (the CLI has only the built-in one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogEntry } from '../../src/engine/sources/catalog';
import { resolveModelArg } from '../../src/cli/modelArg';
import { cacheListing, startModelServer, tempCache, type ModelServer } from './sources-fixture';
import { PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

function finetune(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TF_CPP_MIN_LOG_LEVEL: '2', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: ModelServer;
let baseDir = '';
let data = '';

before(async () => {
  baseDir = await writeBaseModel(tempDir('id-base'));
  // Served without preprocessing.json or labels.json, like a model on a hub.
  server = await startModelServer({
    'model.json': readFileSync(join(baseDir, 'model.json')),
    'weights.bin': readFileSync(join(baseDir, 'weights.bin')),
  });
  data = await writeDataset(tempDir('id-data'), 6);
});

after(async () => {
  await server?.close();
});

const trainArgs = (model: string, runs: string) => ['train', '--model', model, '--data', data, '--runs', runs, '--epochs', '1', '--batch', '8', '--backend', 'cpu', '--json'];

test('train --model URL pulls into the cache with progress on stderr, trains, and a second run reuses the cache', async () => {
  const cache = tempCache();
  const runs = tempDir('id-runs');
  const url = `${server.base}model.json`;
  const first = await finetune(trainArgs(url, runs), { FINETUNE_CACHE_DIR: cache });
  assert.equal(first.code, 0, first.stderr);
  const result = JSON.parse(first.stdout) as { modelDir: string; epochs: number };
  assert.equal(result.epochs, 1);
  assert.ok(existsSync(join(result.modelDir, 'model.json')));
  assert.match(first.stderr, /weights\.bin: .* \/ .*%\), .*\/s/);
  assert.match(first.stderr, /finetune: downloaded 2 files into /);
  const entries = readdirSync(cache);
  assert.equal(entries.length, 1);
  assert.ok(entries[0].startsWith('url-'), entries[0]);
  // The spec records the cached folder, so a resume never needs the network.
  const spec = JSON.parse(readFileSync(join(readdirSync(runs).map((d) => join(runs, d))[0], 'spec.json'), 'utf8')) as { modelDir: string };
  assert.equal(spec.modelDir, join(cache, entries[0], 'model'));

  const hits = server.hits.get('/m/weights.bin');
  const second = await finetune(trainArgs(url, runs), { FINETUNE_CACHE_DIR: cache });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /finetune: using the cached model \(/);
  assert.equal(server.hits.get('/m/weights.bin'), hits, 'no second download');
});

test('a 404 is one line and exit 2, with the cache and the runs folder unchanged', async () => {
  const cache = tempCache();
  const runs = tempDir('id-runs-404');
  const before = cacheListing(cache);
  const missing = await finetune(trainArgs(`${server.base}gone/model.json`, runs), { FINETUNE_CACHE_DIR: cache });
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^finetune: http:\/\/127\.0\.0\.1:\d+\/m\/gone\/model\.json: HTTP 404 Not Found[^\n]*\n$/);
  assert.deepEqual(cacheListing(cache), before);
  assert.deepEqual(readdirSync(runs), []);

  const unknown = await finetune(trainArgs('no-such-model', runs), { FINETUNE_CACHE_DIR: cache });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^finetune: no-such-model: does not exist, and is not a catalog id \(see: finetune models list\) or an http\(s\) model\.json URL\n$/);
  assert.deepEqual(cacheListing(cache), before);
});

test('summary takes a URL or a local folder; a local folder never touches the cache', async () => {
  const cache = join(tempCache(), 'root');
  const local = await finetune(['summary', '--model', baseDir, '--json'], { FINETUNE_CACHE_DIR: cache });
  assert.equal(local.code, 0, local.stderr);
  assert.equal(local.stderr, '');
  assert.equal(existsSync(cache), false);
  const remote = await finetune(['summary', '--model', `${server.base}model.json`, '--json'], { FINETUNE_CACHE_DIR: cache });
  assert.equal(remote.code, 0, remote.stderr);
  // The same model; only the local folder has the labels.json beside it (a model.json URL brings the model alone).
  const { labels, ...fromFolder } = JSON.parse(local.stdout);
  assert.deepEqual(labels, { names: ['a', 'b', 'c', 'd', 'e'], from: 'labels.json' });
  assert.deepEqual(JSON.parse(remote.stdout), fromFolder);
});

test('a catalog id resolves through the cache, pulling once; its entry comes back for preprocessing and cut', async () => {
  const cacheDir = tempCache();
  const entry: CatalogEntry = {
    id: 'tiny-cnn',
    title: 'Tiny CNN (test)',
    url: `${server.base}model.json`,
    format: 'layers',
    inputSize: { height: PRE.height, width: PRE.width, channels: 1 },
    preprocessing: PRE,
    defaultCut: 'features',
    license: 'MIT',
    approxBytes: 2000,
  };
  const catalog = [entry];
  const hits = server.hits.get('/m/model.json') ?? 0;
  const first = await resolveModelArg('tiny-cnn', { cacheDir, catalog });
  assert.equal(first.dir, join(cacheDir, 'tiny-cnn', 'model'));
  assert.equal(first.entry?.defaultCut, 'features');
  assert.deepEqual(first.entry?.preprocessing, PRE);
  assert.ok(existsSync(join(first.dir, 'weights.bin')));
  const again = await resolveModelArg('tiny-cnn', { cacheDir, catalog });
  assert.equal(again.dir, first.dir);
  assert.equal(server.hits.get('/m/model.json'), hits + 1, 'pulled once');
  // A local folder wins over the catalog, even one named like an id.
  assert.deepEqual(await resolveModelArg(baseDir, { cacheDir, catalog }), { dir: baseDir });
  // A catalog entry whose download fails: one line naming the URL, and the cache as it was.
  const listing = cacheListing(cacheDir);
  await assert.rejects(resolveModelArg('tiny-cnn-2', { cacheDir, catalog: [{ ...entry, id: 'tiny-cnn-2', url: `${server.base}nope/model.json` }] }), /nope\/model\.json: HTTP 404/);
  assert.deepEqual(cacheListing(cacheDir), listing);
});
