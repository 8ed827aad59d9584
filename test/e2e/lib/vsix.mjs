// Building and packaging the extension exactly as a user would install it.
// The VSIX carries dist/, media/ and the runtime node_modules that the
// bundles leave external (@tensorflow/*, sharp, webgpu); .vscodeignore trims them.
import { spawnSync } from 'node:child_process';
import { repoRoot } from './paths.mjs';
import { currentTarget, packageTarget } from '../../../scripts/package.mjs';

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

/**
 * Packages the repository into `out` as this platform's VSIX (scripts/package.mjs:
 * `vsce package --target`, with only this platform's dawn.node and sharp
 * binaries), as `npm run package` builds it for users; returns vsce's output
 * (it lists size and file count).
 */
export function packageExtension(out) {
  return packageTarget(currentTarget(), out);
}
