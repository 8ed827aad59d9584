// One E2E session: a code-server and a Chromium page on its workbench, shared
// by every scenario of a run (starting them costs ~10-20 s). run.mjs prepares
// the folders; the suite calls startSession() before and stopSession() after.
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, chromiumPath } from './paths.mjs';
import { startCodeServer, writeUserSettings } from './code-server.mjs';
import { homeLayout } from './layout.mjs';
import { groupMembers, killGroup } from './processes.mjs';

/** The flags E2E.md checked: no sandbox (root), no GPU, nothing that phones home. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The title of the extension's activity-bar view container (package.json). */
export const VIEW_CONTAINER_TITLE = 'Finetune';

let current;
/** Every process group this process started, so an abnormal exit can still clean up. */
export const startedGroups = new Set();

export function killAllSync() {
  for (const pgid of startedGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.once('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllSync();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

/** The running session; throws a clear error when a scenario is run outside the suite. */
export function session() {
  if (!current) throw new Error('No E2E session: run scenarios with `npm run test:e2e` (test/e2e/run.mjs).');
  return current;
}

export async function startSession() {
  const home = process.env.FINETUNE_E2E_HOME;
  if (!home || !existsSync(home)) throw new Error('FINETUNE_E2E_HOME is not set: start the suite with `npm run test:e2e`.');
  const layout = homeLayout(home);
  mkdirSync(artifactsDir, { recursive: true });

  const server = await startCodeServer({ ...layout, logFile: join(artifactsDir, 'server.log') });
  startedGroups.add(server.pgid);
  current = { ...layout, server, browserPgid: undefined, browser: undefined, page: undefined };

  // launchServer (not launch) exposes the browser's process; Playwright spawns
  // it detached, so its pid is also its process group.
  const browserServer = await chromium.launchServer({
    executablePath: chromiumPath,
    args: chromiumArgs,
    env: { ...process.env, ...layout.env }, // keeps Chromium's ~/.config and ~/.cache writes in the run's folder
  });
  const browserPgid = browserServer.process().pid;
  startedGroups.add(browserPgid);
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  Object.assign(current, { browserServer, browser, browserPgid, context, page });

  await openWorkbench(page, server.url, layout.workspace);
  return current;
}

async function openWorkbench(page, url, workspace) {
  await page.goto(`${url}?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The workbench applies extension contributions (menus, views) only once the
  // extension host has reported its extensions; our view container's icon
  // marks that point. Before it, context menus lack our entries.
  await page.locator(`.activitybar [aria-label="${VIEW_CONTAINER_TITLE}"]`).first().waitFor({ timeout: 90_000 });
}

/**
 * A second code-server on the same extensions and workspace, with its own
 * user data (so nothing it stores, trust decisions included, leaks into the
 * main window) and `settings` on top of the quiet ones, shown in a new page
 * of the session's browser. Its process group joins the survivors check.
 * @returns {Promise<{ page: import('playwright-core').Page, userDataDir: string, pgid: number, close: () => Promise<void> }>}
 */
export async function openExtraWindow(name, { settings = {}, workspaceTrust = false } = {}) {
  const { home, extensionsDir, workspace, env, context } = session();
  const userDataDir = join(home, `ud-${name}`);
  writeUserSettings(userDataDir, settings);
  const server = await startCodeServer({
    extensionsDir, userDataDir, workspace, env, workspaceTrust, logFile: join(artifactsDir, `server-${name}.log`),
  });
  startedGroups.add(server.pgid);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const close = async () => {
    await page.close().catch(() => {});
    await server.stop();
  };
  try {
    await openWorkbench(page, server.url, workspace);
  } catch (error) {
    await close();
    throw error;
  }
  return { page, userDataDir, pgid: server.pgid, close };
}

/** Closes the browser, kills both process groups and keeps the workbench logs as artifacts. */
export async function stopSession() {
  if (!current) return;
  const { browser, browserServer, browserPgid, server, userDataDir } = current;
  await browser?.close().catch(() => {});
  await browserServer?.close().catch(() => {});
  if (browserPgid) await killGroup(browserPgid);
  await server.stop();
  // The extension host's and the output channels' logs live under the user data dir.
  const logs = join(userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'logs'), { recursive: true });
  current = undefined;
}

/** Process groups the suite started that still have live members. */
export function survivors() {
  return [...startedGroups].flatMap((pgid) => groupMembers(pgid));
}
