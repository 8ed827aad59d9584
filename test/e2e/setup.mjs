// Installs code-server (the real VS Code 1.100.3 workbench and extension host)
// into the git-ignored .cache/code-server, following ../../../shared/E2E.md:
// nothing is downloaded from GitHub, native modules are built here.
//
//   node test/e2e/setup.mjs          install, or reuse the cache (seconds)
//   node test/e2e/setup.mjs --clean  throw the cache away first
//
// A stamp file is written only after every step succeeded, so an interrupted
// install is resumed (every step is safe to repeat) rather than trusted.
import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  cacheDir, codeServerDir, codeServerEntry, codeServerVersion, installStamp, ripgrepPath, vscodeDir,
} from './lib/paths.mjs';
import { missingPackagesMessage } from './lib/requirements.mjs';

const logFile = join(cacheDir, 'setup.log');

class SetupError extends Error {}

/** Runs one install step with its output in setup.log; a failure shows the log's tail. */
function step(title, cmd, args, cwd, env = {}) {
  const started = Date.now();
  process.stdout.write(`  ${title} … `);
  appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const result = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  appendFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    process.stdout.write('failed\n');
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new SetupError(`E2E setup: "${title}" failed (exit ${result.status ?? result.signal}); full log: ${logFile}\n${tail}`);
  }
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

/** A symlink that may already be there from an interrupted run. */
function link(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {
    // not there yet
  }
  symlinkSync(target, path);
}

/**
 * Makes sure code-server is installed and usable.
 * @returns {{ reused: boolean }}
 */
export function ensureCodeServer({ clean = false } = {}) {
  const missing = missingPackagesMessage();
  if (missing) throw new SetupError(missing);

  if (clean) rmSync(cacheDir, { recursive: true, force: true });
  if (existsSync(installStamp) && existsSync(codeServerEntry)) return { reused: true };

  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(logFile, `code-server ${codeServerVersion} setup, ${new Date().toISOString()}\n`);
  console.log(`E2E setup: installing code-server ${codeServerVersion} into ${cacheDir}`);
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  // Its postinstall would fetch ripgrep from GitHub; the steps below do its work instead.
  step(`npm install code-server@${codeServerVersion}`, npm,
    ['install', '--ignore-scripts', ...quiet, '--prefix', cacheDir, `code-server@${codeServerVersion}`], cacheDir);
  step('npm install VS Code dependencies', npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir);
  // With bin/rg in place, @vscode/ripgrep's postinstall skips its download.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  link(ripgrepPath, join(rgBin, 'rg'));
  // npm_config_yes lets node-pty's script run `npx node-gyp` without a prompt.
  step('npm rebuild VS Code native modules', npm, ['rebuild', ...quiet], vscodeDir, { npm_config_yes: 'true' });
  step('npm rebuild argon2', npm, ['rebuild', 'argon2', ...quiet], cacheDir, { npm_config_yes: 'true' });
  // code-server looks for VS Code's modules under node_modules.asar.
  link('node_modules', join(vscodeDir, 'node_modules.asar'));

  if (!existsSync(codeServerEntry)) throw new SetupError(`E2E setup: ${codeServerEntry} is missing after install`);
  writeFileSync(installStamp, `${new Date().toISOString()}\n`);
  return { reused: false };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  try {
    const { reused } = ensureCodeServer({ clean: process.argv.includes('--clean') });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`E2E setup: code-server ${codeServerVersion} ${reused ? 'reused from cache' : 'installed'} in ${seconds}s (${codeServerDir})`);
  } catch (error) {
    console.error(error instanceof SetupError ? error.message : error);
    process.exit(1);
  }
}
