// Building and packaging the extension exactly as a user would install it.
// The VSIX carries dist/, media/ and the runtime node_modules that the
// bundles leave external (@tensorflow/*, sharp); .vscodeignore trims them.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths.mjs';

const require = createRequire(import.meta.url);

function run(title, cmd, args) {
  const result = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`E2E: ${title} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  return `${result.stdout}${result.stderr}`;
}

export function buildExtension() {
  return run('npm run build', 'npm', ['run', 'build']);
}

/** Packages the repository into `out` with vsce; returns vsce's output (it lists size and file count). */
export function packageExtension(out) {
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  return run('vsce package', process.execPath, [
    vsce, 'package',
    '--out', out,
    // The manifest has no repository or LICENSE file yet; vsce would stop and ask.
    '--allow-missing-repository',
    '--skip-license',
    // Without a repository vsce cannot make README's relative image links
    // absolute and refuses to package; the VSIX keeps them relative.
    '--no-rewrite-relative-links',
  ]);
}
