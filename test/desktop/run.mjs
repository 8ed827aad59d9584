// `npm run test:desktop`: the integration suite in desktop VS Code through
// @vscode/test-electron. It DOWNLOADS VS Code (into .vscode-test/) on first
// use, so it needs internet; CI runs the code-server E2E suite instead.
//   FINETUNE_VSCODE_VERSION  VS Code to test against (default 1.100.3, the
//                            oldest our engines field allows; or "stable")
// On a machine without a display, run it under xvfb: `xvfb-run -a npm run test:desktop`.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'finetune-desktop-'));
const isRoot = process.getuid?.() === 0;

try {
  await runTests({
    version: process.env.FINETUNE_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(here, 'suite', 'index.js'),
    launchArgs: [
      join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'),
      '--user-data-dir', join(scratch, 'ud'),
      '--extensions-dir', join(scratch, 'exts'),
      '--disable-extensions', // other installed extensions; ours is loaded for development
      '--disable-workspace-trust',
      '--disable-gpu',
      '--skip-welcome',
      '--skip-release-notes',
      // Chromium refuses to run as root with its sandbox on.
      ...(isRoot ? ['--no-sandbox'] : []),
    ],
  });
} catch (error) {
  console.error(`test:desktop failed (it downloads VS Code on first use, so it needs internet): ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
