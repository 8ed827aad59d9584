// `npm run package`: one VSIX per platform, with `vsce package --target`.
// Each carries only its own platform's native code:
// - dawn.node, one folder per platform inside the `webgpu` package;
// - sharp's prebuilt @img/sharp-<os>-<cpu> (and libvips) packages. npm installs
//   only this machine's, so the others are fetched with npm's --os/--cpu into
//   .cache/package/ and copied into node_modules for the time of that VSIX,
//   while this machine's own are moved aside.
// Usage: node scripts/package.mjs [target …]   (default: every target below)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** vsce target → npm os/cpu, and the `webgpu` package's dawn.node folder (one universal build for both Macs). */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', dawn: 'linux-x64' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', dawn: 'linux-arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64', dawn: 'darwin-universal' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', dawn: 'darwin-universal' },
  'win32-x64': { os: 'win32', cpu: 'x64', dawn: 'win32-x64' },
};

function run(title, cmd, args, cwd = root) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`package: ${title} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

/** sharp's @img packages for `target`, installed into a cache folder with npm's --os/--cpu (and glibc on Linux). */
function fetchSharpBinaries(target) {
  const { os, cpu } = TARGETS[target];
  const dir = join(root, '.cache', 'package', target);
  const img = join(dir, 'node_modules', '@img');
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'sharp', 'package.json'), 'utf8')).version;
  if (!existsSync(join(img, `sharp-${os}-${cpu}`))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `sharp-binaries-${target}`, private: true }));
    const libc = os === 'linux' ? ['--libc=glibc'] : [];
    run(`npm install sharp@${version} for ${target}`, 'npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `--os=${os}`, `--cpu=${cpu}`, ...libc, `sharp@${version}`], dir);
  }
  return readdirSync(img).filter((name) => name.startsWith('sharp-')).map((name) => ({ name, from: join(img, name) }));
}

/** The base .vscodeignore plus everything native that belongs to other platforms. */
function ignoreFileFor(target, sharpPackages) {
  const keepImg = sharpPackages.map((p) => `!node_modules/@img/${p.name}/**`);
  const lines = [
    readFileSync(join(root, '.vscodeignore'), 'utf8'),
    `# Per-platform trimming for ${target} (scripts/package.mjs).`,
    'node_modules/webgpu/build/**',
    'node_modules/webgpu/dist/**',
    `!node_modules/webgpu/dist/${TARGETS[target].dawn}/**`,
    'node_modules/@img/sharp-*/**',
    ...keepImg,
  ];
  const file = join(root, '.cache', 'package', `${target}.vscodeignore`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Packages `target` into `out`; returns vsce's output. Expects dist/ to be built. */
export function packageTarget(target, out) {
  if (!TARGETS[target]) throw new Error(`package: unknown target ${target}; expected one of ${Object.keys(TARGETS).join(', ')}`);
  const sharpPackages = fetchSharpBinaries(target);
  const installed = join(root, 'node_modules', '@img');
  // Copied in only for this VSIX.
  const added = sharpPackages.filter((p) => !existsSync(join(installed, p.name)));
  // This machine's own ones are moved aside meanwhile: the ignore file cannot
  // drop them whole, because vsce honours the base file's `!**/LICENSE*`
  // wherever it stands, and their LICENSE files would ride along.
  const aside = join(root, '.cache', 'package', 'aside');
  const foreign = readdirSync(installed).filter((name) => name.startsWith('sharp-') && !sharpPackages.some((p) => p.name === name));
  mkdirSync(aside, { recursive: true });
  try {
    for (const name of foreign) renameSync(join(installed, name), join(aside, name));
    for (const p of added) cpSync(p.from, join(installed, p.name), { recursive: true });
    const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    return run(`vsce package --target ${target}`, process.execPath, [
      vsce, 'package',
      '--target', target,
      '--ignoreFile', ignoreFileFor(target, sharpPackages),
      '--out', out,
      // The manifest has no repository or LICENSE file yet; vsce would stop and ask.
      '--allow-missing-repository',
      '--skip-license',
      '--no-rewrite-relative-links',
    ]);
  } finally {
    for (const p of added) rmSync(join(installed, p.name), { recursive: true, force: true });
    for (const name of foreign) if (existsSync(join(aside, name))) renameSync(join(aside, name), join(installed, name));
  }
}

/** This machine's target, e.g. linux-x64, for the E2E suite's VSIX. */
export function currentTarget() {
  return `${process.platform}-${process.arch}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const targets = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TARGETS);
  run('build', process.execPath, ['esbuild.mjs', '--production']);
  const outDir = join(root, 'out', 'vsix');
  mkdirSync(outDir, { recursive: true });
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  for (const target of targets) {
    const out = join(outDir, `finetune-studio-${target}-${version}.vsix`);
    packageTarget(target, out);
    console.log(`${target.padEnd(14)} ${(statSync(out).size / 1024 ** 2).toFixed(1).padStart(6)} MiB  ${out}`);
  }
}
