// Every path the E2E harness uses, in one place. All of them are git-ignored:
// .cache/ holds the code-server install, test/e2e/artifacts/ what a run leaves
// behind for people to look at.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const e2eDir = join(repoRoot, 'test', 'e2e');
export const scenariosDir = join(e2eDir, 'scenarios');
export const artifactsDir = process.env.FINETUNE_E2E_ARTIFACTS ?? join(e2eDir, 'artifacts');

/** 4.100.3 is the last code-server release that runs on Node 20 (VS Code 1.100.3). */
export const codeServerVersion = '4.100.3';
export const cacheDir = process.env.FINETUNE_E2E_CACHE ?? join(repoRoot, '.cache', 'code-server');
export const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerDir, 'out', 'node', 'entry.js');
export const vscodeDir = join(codeServerDir, 'lib', 'vscode');
/** Written last, only when every install step succeeded: its presence means "reuse". */
export const installStamp = join(cacheDir, `.installed-${codeServerVersion}`);

export const chromiumPath = '/usr/bin/chromium';
export const ripgrepPath = '/usr/bin/rg';
