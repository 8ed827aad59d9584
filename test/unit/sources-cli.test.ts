// `finetune models list|pull` as a user runs it: a child process, real exit
// codes, the folder on stdout, progress and errors on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startModelServer, tempCache } from './sources-fixture';

function finetune(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('models pull prints the cached folder; a second pull reuses it; a failure is one line and exit 2', async () => {
  const server = await startModelServer();
  const cache = tempCache();
  const env = { FINETUNE_CACHE_DIR: cache };
  try {
    const first = await finetune(['models', 'pull', `${server.base}model.json`], env);
    assert.equal(first.code, 0, first.stderr);
    const dir = first.stdout.trim();
    assert.ok(dir.startsWith(cache) && existsSync(join(dir, 'group1-shard2of2.bin')), dir);
    assert.match(first.stderr, /group1-shard\dof2\.bin: .* \/ .*%\), .*\/s, ETA \d+ s/);

    const again = await finetune(['models', 'pull', `${server.base}model.json`], env);
    assert.equal(again.stdout.trim(), dir);
    assert.match(again.stderr, /already cached \(hashes checked\)/);

    const missing = await finetune(['models', 'pull', `${server.base}nothing/model.json`], env);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^finetune: http:\/\/127\.0\.0\.1:\d+\/m\/nothing\/model\.json: HTTP 404 Not Found \(an HTML error page, not model data\)\n$/);

    const keras = await finetune(['models', 'pull', `${server.base}model.h5`], env);
    assert.equal(keras.code, 2);
    assert.match(keras.stderr, /^finetune: .*model\.h5: is a Keras model file: only TF\.js models are downloaded.*\n$/);
  } finally {
    await server.close();
  }
});

test('models list prints every catalog entry with format, input, license, size and cached state', async () => {
  const result = await finetune(['models', 'list'], { FINETUNE_CACHE_DIR: tempCache() });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], /^ID\s+FORMAT\s+INPUT\s+LICENSE\s+SIZE\s+CACHED$/);
  assert.match(result.stdout, /mobilenet-v1-0\.25-224\s+layers\s+224x224x3\s+Apache-2\.0\s+~1\.9 MB\s+no/);
  assert.match(result.stdout, /mobilenet-v2-100-224-feature-vector\s+graph\s+224x224x3/);
  assert.match(result.stdout, /demo\s+layers\s+28x28x1\s+MIT/);

  const json = await finetune(['models', 'list', '--json'], { FINETUNE_CACHE_DIR: tempCache() });
  const entries = JSON.parse(json.stdout) as { id: string; cached: boolean }[];
  assert.equal(entries.length, lines.length - 1);
  assert.ok(entries.every((e) => typeof e.cached === 'boolean'));

  const bad = await finetune(['models', 'fetch'], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^finetune: unknown models command "fetch" \(expected list or pull\)\n$/);
});
