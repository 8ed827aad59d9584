import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package root, found by walking up from this file to our package.json:
 * `dist/cli.js` (bundled) and `src/cli/*.ts` (run with tsx) sit at different
 * depths, and neither may depend on the current directory.
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'finetune-studio') return dir;
    if (dirname(dir) === dir) return join(from, '..');
  }
}

/** `media/` of the installed package (the demo model and dataset live in `media/demo`). */
export function mediaRoot(): string {
  return join(packageRoot(), 'media');
}
