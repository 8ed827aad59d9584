// Starting and stopping code-server for one E2E run. The server is spawned
// detached so it leads its own process group: stopping it kills the file
// watcher and extension host (and any trainer they forked) with it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { codeServerEntry } from './paths.mjs';
import { killGroup, sleep } from './processes.mjs';

/** Settings for a quiet, deterministic workbench: no welcome page, tips, trust prompt or telemetry. */
export const userSettings = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  'git.enabled': false,
};

export function writeUserSettings(userDataDir, extra = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...userSettings, ...extra }, null, 2)}\n`);
}

/** Installs a VSIX into a private extensions folder (a short-lived, awaited process). */
export function installExtension({ vsix, extensionsDir, userDataDir, env = {} }) {
  const result = spawnSync(process.execPath, [
    codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix,
  ], { encoding: 'utf8', env: { ...process.env, ...env } });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${result.status}):\n${output}`);
  }
  return output.trim();
}

/** A free loopback port: the OS picks one, we release it and hand it to code-server. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server and resolves once it prints "HTTP server listening".
 * Its output goes straight into `logFile` (kept as an artifact): with no pipe
 * between us and an unref'd child, a server that refuses to die cannot keep
 * the test process open, and the suite can report it instead of hanging.
 * With `workspaceTrust`, Workspace Trust is on (the user settings must enable it too).
 * @returns {Promise<{ url: string, port: number, pgid: number, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ extensionsDir, userDataDir, workspace, logFile, env = {}, timeoutMs = 60_000, workspaceTrust = false }) {
  const port = await freePort();
  const logFd = openSync(logFile, 'a');
  const startOffset = fstatSync(logFd).size;
  const child = spawn(process.execPath, [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    // Trust stays off unless a scenario tests Restricted Mode itself.
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    workspace,
  ], {
    detached: true, // leads its own process group; see killGroup
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...env },
  });
  closeSync(logFd);
  child.unref();
  const pgid = child.pid;
  let exited;
  child.once('exit', (code, signal) => { exited = code ?? signal; });
  const stop = () => killGroup(pgid);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = readFileSync(logFile, 'utf8').slice(startOffset);
    if (/HTTP server listening on/.test(output)) break;
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      const why = exited !== undefined ? `exited early (${exited})` : `did not start within ${timeoutMs} ms`;
      throw new Error(`code-server ${why}; see ${logFile}\n${output.slice(-2000)}`);
    }
    await sleep(100);
  }
  return { url: `http://127.0.0.1:${port}/`, port, pgid, stop };
}
