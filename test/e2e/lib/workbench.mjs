// Helpers that drive the VS Code workbench the way a user does. Selectors
// are the ones checked in shared/E2E.md against VS Code 1.100.3; keep them
// here so a workbench change is fixed in one place.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { artifactsDir } from './paths.mjs';

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Opens a fresh command palette (F1) with the `>` prefix in place. A palette
 * already open (or still closing) is dismissed first, so typing never races
 * its hide animation.
 */
export async function openPalette(page) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  if (await input.isVisible()) {
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
  }
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  return input;
}

/**
 * Runs a palette command by its full title, e.g. "Finetune: Show Dashboard".
 * It picks the row whose label is exactly the title, so a fuzzy match on a
 * similar command cannot run instead.
 */
export async function runCommand(page, title, { attempts = 3 } = {}) {
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
    .first();
  for (let i = 1; ; i++) {
    try {
      const input = await openPalette(page);
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (error) {
      if (i >= attempts) throw error;
      // The palette can close under us when the workbench moves focus right
      // after an activation (a view or a notification appearing): open it again.
      // Nothing has run yet, so a retry cannot run the command twice.
      await page.keyboard.press('Escape').catch(() => {});
    }
  }
  await row.click();
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'hidden' });
}

/** Titles the palette lists for `query` (e.g. "Finetune:"), closing it afterwards. */
export async function paletteTitles(page, query) {
  const input = await openPalette(page);
  await input.fill(`>${query}`);
  const labels = page.locator('.quick-input-list .monaco-list-row .label-name');
  await labels.first().waitFor({ state: 'visible' });
  const titles = await labels.allTextContents();
  await page.keyboard.press('Escape');
  return titles;
}

/**
 * A notification whose message contains `text`, as a toast or, once the toast
 * has hidden itself, in the notification center. Resolves with the item.
 */
export async function waitForNotification(page, text, { timeout = 30_000 } = {}) {
  const items = (scope) => page.locator(`${scope} .notification-list-item`)
    .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
    .first();
  const toast = items('.notification-toast');
  const inCenter = items('.notifications-center');
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await toast.isVisible()) return toast;
    if (await inCenter.isVisible()) return inCenter;
    await page.waitForTimeout(250);
  }
  // A toast may have come and gone between polls: the center keeps them all.
  await showNotificationCenter(page);
  await inCenter.waitFor({ state: 'visible', timeout: 5_000 });
  return inCenter;
}

/** Messages of the notifications currently shown as toasts. */
export async function notificationMessages(page) {
  return (await page.locator('.notification-toast .notification-list-item-message').allTextContents()).map((t) => t.trim());
}

async function showNotificationCenter(page) {
  if (!(await page.locator('.notifications-center.visible').isVisible())) {
    await runCommand(page, 'Notifications: Show Notifications');
  }
}

/** Closes every notification toast, so the next waitForNotification sees only new ones. */
export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Our extension's id; webviews carry it in their iframe's `src`. */
const OWN_EXTENSION_ID = 'finetune-studio.finetune-studio';

/**
 * The content of a webview: VS Code nests the page two iframes deep. Only the
 * visible webview of `extensionId` (ours by default; `null` for any) counts,
 * since an image preview is a webview too. With `title`, the editor tab of
 * that title is activated first.
 */
export async function webviewFrame(page, { title, extensionId = OWN_EXTENSION_ID } = {}) {
  if (title) await page.locator('.tabs-container .tab', { hasText: title }).first().click();
  const owner = extensionId ? `[src*="extensionId=${extensionId}"]` : '';
  // Hidden webviews stay in the DOM; the visible one is the active editor's.
  const frame = page.frameLocator(`iframe.webview.ready${owner} >> visible=true`).frameLocator('iframe');
  await frame.locator('body').waitFor({ state: 'attached' });
  return frame;
}

/**
 * Shows a view container's sidebar by its title. Clicking the icon of the
 * container already showing would close the sidebar, so it clicks only when
 * the sidebar shows something else (or nothing).
 */
export async function openViewContainer(page, title) {
  const sidebarTitle = page.locator('.sidebar .composite.title h2', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') });
  if (await sidebarTitle.isVisible()) return;
  const icon = activityBarItem(page, title);
  await icon.click();
  await sidebarTitle.waitFor({ state: 'visible' });
}

/** A view container's icon in the activity bar. */
export function activityBarItem(page, title) {
  return page.locator(`.activitybar [aria-label="${title}"]`).first();
}

/** A view (pane) in the sidebar by its name, e.g. "Layers"; expands it if collapsed. */
export async function viewPane(page, name) {
  const header = page.locator('.sidebar .pane-header', { hasText: new RegExp(`^${escapeRegExp(name)}`, 'i') }).first();
  await header.waitFor({ state: 'visible' });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return header.locator('xpath=..');
}

/** Tree rows (`.monaco-list-row`) inside `scope` (a page or a pane), optionally those containing `text`. */
export function treeRows(scope, text) {
  const rows = scope.locator('.monaco-list-row');
  return text === undefined ? rows : rows.filter({ hasText: text });
}

/** The first tree row whose text contains `text`. */
export function treeRow(scope, text) {
  return treeRows(scope, text).first();
}

/** A tree item's checkbox; its `aria-checked` holds the state, a click fires onDidChangeCheckboxState. */
export function treeCheckbox(row) {
  return row.locator('.custom-view-tree-node-item-checkbox');
}

/**
 * Opens the Explorer (Ctrl+Shift+E) and returns its row for `name` (a file or
 * folder at any visible depth). A file a scenario has just written may not be
 * listed yet if the file watcher is slow, so the Explorer is refreshed once.
 */
export async function explorerRow(page, name, { timeout = 30_000 } = {}) {
  await page.keyboard.press('Control+Shift+E');
  const row = page.locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout: Math.min(5_000, timeout) });
  } catch {
    await runCommand(page, 'Refresh Explorer'); // VS Code's own title: no category
    await row.waitFor({ state: 'visible', timeout });
  }
  return row;
}

/**
 * Reveals a workspace path in the Explorer, e.g. `['digits', 'validation', '7']`,
 * and returns the row of its last segment. The Explorer's list is virtual:
 * rows scrolled out of view do not exist, so it folds every folder first and
 * then expands only the path's folders, which keeps the target on screen.
 */
export async function revealExplorerPath(page, segments) {
  await page.keyboard.press('Control+Shift+E');
  await runCommand(page, 'Collapse Folders in Explorer'); // VS Code's own title: no category
  let row;
  for (const [i, name] of segments.entries()) {
    row = await explorerRow(page, name);
    if (i < segments.length - 1 && (await row.getAttribute('aria-expanded')) !== 'true') {
      await row.click();
      await page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="true"]')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
        .first().waitFor();
    }
  }
  return row;
}

/** Right-clicks `name` in the Explorer and clicks the context-menu entry `commandTitle`. */
export async function explorerContextMenu(page, name, commandTitle) {
  const row = await explorerRow(page, name);
  await row.click({ button: 'right' });
  await contextMenuItem(page, commandTitle).click();
}

/** An entry of the open context menu, by its exact title. */
export function contextMenuItem(page, title) {
  return page.locator('.context-view .action-label', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }).first();
}

/** Titles of the open context menu's entries (to assert what is, and is not, offered). */
export async function contextMenuTitles(page) {
  const items = page.locator('.context-view .action-label');
  await items.first().waitFor({ state: 'visible' });
  return (await items.allTextContents()).map((t) => t.trim()).filter(Boolean);
}

/** Saves a screenshot as test/e2e/artifacts/<name>.png (`name` may hold a sub-folder) and returns its path. */
export async function screenshot(page, name) {
  const safe = name.split('/').map((part) => part.replace(/[^\w.-]+/g, '-')).join('/');
  const path = join(artifactsDir, `${safe}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  return path;
}
