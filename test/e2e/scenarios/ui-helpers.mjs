// Shared steps of the ui-* scenarios (this file is not a scenario: it does
// not end in .test.mjs). The scenarios run in file-name order in one session,
// so later ones build on the model, dataset and runs of earlier ones.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  contextMenuItem, explorerRow, session, treeRow, viewPane,
} from '../harness.mjs';
import { repoRoot } from '../lib/paths.mjs';

/** The sample digits 5–9, copied into the workspace as `digits/` (once). */
export function ensureDigits() {
  const target = join(session().workspace, 'digits');
  if (!existsSync(target)) cpSync(join(repoRoot, 'media', 'demo', 'dataset'), target, { recursive: true });
  return target;
}

/** Opens the demo model through the palette and returns the Layers pane once its rows show. */
export async function openDemoModel(page) {
  await runCommandSoon(page, 'Finetune: Open Demo Model');
  // Focusing the view opens the sidebar without toggling it (clicking an
  // active container's icon would close it).
  await runCommandSoon(page, 'Finetune: Focus on Layers View');
  const pane = await viewPane(page, 'Layers');
  await treeRow(pane, 'conv2').waitFor({ state: 'visible', timeout: 60_000 });
  return pane;
}

/**
 * The dashboard's page (a playwright Frame), opened from the palette when it
 * is not showing. It is found by its content rather than by iframe
 * attributes: other webviews (an image preview) may be visible too, and a
 * hidden dashboard's page is discarded, so at most one frame matches.
 */
export async function dashboard(page, { timeout = 60_000 } = {}) {
  const tab = page.locator('.tabs-container .tab', { hasText: 'Finetune Dashboard' });
  if ((await tab.count()) === 0) await runCommandSoon(page, 'Finetune: Show Dashboard');
  await tab.first().waitFor();
  await tab.first().click();
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.locator('body[data-ready="true"] #run-section').count().catch(() => 0);
      if (found > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error('the dashboard page did not become ready');
    await page.waitForTimeout(250);
  }
}

/** The number the dashboard shows as trainable params. */
export async function trainableParams(view) {
  const text = (await view.locator('#trainable-params').textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, ''));
}

/** Expands Explorer folders one by one (`digits`, `validation`, `7`) and returns the last row. */
export async function revealInExplorer(page, names) {
  let row;
  for (const [i, name] of names.entries()) {
    row = await explorerRow(page, name);
    if (i < names.length - 1 && (await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  }
  return row;
}

/** Sets a hyperparameter field of the dashboard and commits it (Enter, then leaving the field). */
export async function setField(view, id, value) {
  const input = view.locator(`input#${id}`);
  await input.fill(String(value));
  await input.press('Enter');
  await input.blur();
}

/**
 * Presses Start and waits until the page shows the new run: its history
 * cleared, so a wait for "epoch 2" cannot be met by the previous run's rows.
 */
export async function startRun(view) {
  await view.locator('#start:not([disabled])').click();
  await view.locator('#charts-section[data-epochs="0"]').waitFor({ state: 'attached', timeout: 30_000 });
  await view.locator('#run-section[data-phase="starting"], #run-section[data-phase="running"]').first().waitFor({ state: 'attached', timeout: 30_000 });
}

/**
 * runCommand, retried: right after a window reload the palette can open
 * before the extensions' contributions are registered, and it does not
 * refresh its list while open.
 */
export async function runCommandSoon(page, title, attempts = 6) {
  for (let i = 1; ; i++) {
    try {
      const input = page.locator('.quick-input-widget .quick-input-box input');
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 4000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await row.click();
      await input.waitFor({ state: 'hidden' });
      return;
    } catch (error) {
      if (i >= attempts) throw error;
      await page.keyboard.press('Escape');
      // F1 can be swallowed while a webview holds the focus: move it to the
      // workbench (an empty stretch of the status bar) and try again.
      await page.locator('.part.statusbar').click({ position: { x: 420, y: 10 } }).catch(() => {});
      await page.waitForTimeout(1000);
    }
  }
}

/** Moves keyboard focus from a webview to the workbench, so keybindings (F1, Ctrl+Shift+E) reach it. */
export async function focusWorkbench(page) {
  await page.locator('.part.statusbar').click({ position: { x: 420, y: 10 } }).catch(() => {});
}

/**
 * A dashboard that can Start: when no earlier scenario left a model and a
 * dataset, "Fine-tune the Demo" sets up the demo model and its digits.
 */
export async function readyDashboard(page) {
  let view = await dashboard(page);
  if ((await view.locator('#health-summary').count()) === 0) {
    await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
    view = await dashboard(page);
    await view.locator('#health-summary', { hasText: 'classes' }).waitFor({ timeout: 120_000 });
  }
  return view;
}

/** The page's epoch rows, chart count and status line, read in one go (the page keeps updating). */
export function epochState(view) {
  return view.evaluate(() => ({
    rows: [...document.querySelectorAll('#epoch-rows tr')].map((tr) => Number(tr.getAttribute('data-epoch'))),
    charted: Number(document.querySelector('#charts-section')?.getAttribute('data-epochs') ?? -1),
    statusEpoch: Number(/epoch (\d+)\//.exec(document.querySelector('#run-status')?.textContent ?? '')?.[1] ?? 0),
  }));
}

/**
 * Clicks a context-menu entry and makes sure it ran: on a loaded machine the
 * first click can land while the menu is still settling, leaving it open
 * with the entry highlighted; Enter then runs the highlighted entry.
 */
export async function chooseFromContextMenu(page, title) {
  const item = contextMenuItem(page, title);
  await item.waitFor({ state: 'visible' });
  await item.hover();
  await item.click();
  const menu = page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 3 && (await menu.isVisible().catch(() => false)); i++) {
    await page.waitForTimeout(1000);
    if (await menu.isVisible().catch(() => false)) await page.keyboard.press('Enter');
  }
}

/** Right-clicks `name` in the Explorer and runs the context-menu entry `title`. */
export async function explorerCommand(page, name, title) {
  const row = await explorerRow(page, name);
  await row.click({ button: 'right' });
  await chooseFromContextMenu(page, title);
}
