// `npm run test:e2e [-- <filter>]`: the E2E suite in a real VS Code.
//   1. setup      code-server 4.100.3 in .cache/code-server (cached)
//   2. build      npm run build
//   3. package    a VSIX with @vscode/vsce, as users get it
//   4. install    into a private extensions folder, with quiet user settings
//   5. test       node --test suite.mjs: starts code-server + Chromium, runs
//                 scenarios/*.test.mjs (those whose name contains <filter>)
// Artifacts (screenshots, server and workbench logs) land in test/e2e/artifacts/.
// FINETUNE_E2E_SKIP_BUILD=1 reuses dist/; FINETUNE_E2E_KEEP=1 keeps the temp folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from './setup.mjs';
import { artifactsDir, e2eDir, repoRoot } from './lib/paths.mjs';
import { buildExtension, packageExtension } from './lib/vsix.mjs';
import { installExtension, writeUserSettings } from './lib/code-server.mjs';
import { homeLayout } from './lib/layout.mjs';

function timed(title, fn) {
  const started = Date.now();
  process.stdout.write(`e2e: ${title} … `);
  try {
    const result = fn();
    process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return result;
  } catch (error) {
    process.stdout.write('failed\n');
    throw error;
  }
}

function prepare(home) {
  const layout = homeLayout(home);
  timed('setup code-server', () => ensureCodeServer());
  if (process.env.FINETUNE_E2E_SKIP_BUILD !== '1') timed('build', () => buildExtension());
  const vsix = join(home, 'finetune-studio.vsix');
  const packaged = timed('package VSIX', () => packageExtension(vsix));
  const summary = packaged.match(/Packaged: .*/)?.[0];
  if (summary) console.log(`e2e: ${summary}`);
  // The workspace the workbench opens: a copy of fixtures/workspace, which
  // scenarios may also write into while they run.
  mkdirSync(layout.workspace, { recursive: true });
  const fixtures = join(e2eDir, 'fixtures', 'workspace');
  if (existsSync(fixtures)) cpSync(fixtures, layout.workspace, { recursive: true });
  writeUserSettings(layout.userDataDir);
  timed('install VSIX', () => installExtension({ vsix, ...layout }));
  return layout;
}

// Ctrl-C reaches the suite too, which kills its servers and browsers; this
// process only has to outlive it to remove the temporary folder.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

rmSync(artifactsDir, { recursive: true, force: true });
mkdirSync(artifactsDir, { recursive: true });
const home = mkdtempSync(join(tmpdir(), 'finetune-e2e-'));
let status = 1;
try {
  prepare(home);
  const filter = process.argv[2];
  writeFileSync(join(artifactsDir, 'run.json'), `${JSON.stringify({ home, filter, started: new Date().toISOString() }, null, 2)}\n`);
  const result = spawnSync(process.execPath, [
    '--test', '--test-reporter=spec', '--test-concurrency=1', join(e2eDir, 'suite.mjs'),
  ], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, FINETUNE_E2E_HOME: home, ...(filter ? { FINETUNE_E2E_FILTER: filter } : {}) },
  });
  status = result.status ?? 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  if (process.env.FINETUNE_E2E_KEEP === '1') console.log(`e2e: kept ${home}`);
  else rmSync(home, { recursive: true, force: true });
}
process.exit(status);
