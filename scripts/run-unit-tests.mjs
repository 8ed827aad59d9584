// Runs every test/unit/**/*.test.ts with Node's test runner (tsx strips types).
// Node 20's --test does not expand globs itself, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = collect('test/unit').filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  // With no files, `node --test` would fall back to discovering every test file under the folder (E2E included).
  console.error(`no file in test/unit matches '${filter}'`);
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
);
process.exit(result.status ?? 1);
