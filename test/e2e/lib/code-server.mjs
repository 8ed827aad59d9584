// Starting and stopping code-server for one E2E run. The server is spawned
// detached so it leads its own process group: stopping it kills the file
// watcher and extension host (and any trainer they forked) with it.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { codeServerEntry } from './paths.mjs';
import { killGroup } from './processes.mjs';

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
export function installExtension({ vsix, extensionsDir, userDataDir }) {
  const result = spawnSync(process.execPath, [
    codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix,
  ], { encoding: 'utf8' });
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
 * Output goes to `logFile` (kept as an artifact).
 * @returns {Promise<{ url: string, port: number, pgid: number, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ extensionsDir, userDataDir, workspace, logFile, timeoutMs = 60_000 }) {
  const port = await freePort();
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    workspace,
  ], {
    detached: true, // leads its own process group; see killGroup
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCODE_PROXY_URI: '', NODE_OPTIONS: '' },
  });
  const pgid = child.pid;
  const stop = async () => {
    await killGroup(pgid);
    await new Promise((resolve) => log.end(resolve));
  };

  let output = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
      const onData = (chunk) => {
        log.write(chunk);
        output += chunk;
        if (/HTTP server listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited early (${code ?? signal}); see ${logFile}\n${output.slice(-2000)}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  // Keep logging after start-up without holding the test process open.
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.on('data', (chunk) => log.write(chunk));
  child.stderr.on('data', (chunk) => log.write(chunk));
  child.removeAllListeners('exit');
  return { url: `http://127.0.0.1:${port}/`, port, pgid, stop };
}
