// Shared steps of the ui-9-* scenarios (issue 15: a dashboard people can
// trust). Not a scenario: the name does not end in .test.mjs.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { revealExplorerPath, session, treeRows, viewPane } from '../harness.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { chooseFromContextMenu, focusWorkbench, runCommandSoon } from './ui-helpers.mjs';

const demoData = join(repoRoot, 'media', 'demo', 'dataset');

/**
 * `manydigits/`: the sample digits copied `times` times over (6,000 images at 4),
 * so that decoding and feature extraction last long enough for a Stop to land in them.
 */
export function ensureManyDigits(times = 4) {
  const target = join(session().workspace, 'manydigits');
  if (existsSync(target)) return target;
  for (const split of ['train', 'validation']) {
    for (const cls of readdirSync(join(demoData, split))) {
      const to = join(target, split, cls);
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(join(demoData, split, cls))) {
        for (let i = 0; i < times; i++) cpSync(join(demoData, split, cls, file), join(to, `${i}-${file}`));
      }
    }
  }
  return target;
}

/**
 * `baddata/`: two good classes, a corrupt PNG (a PNG signature, then garbage)
 * among class `a`'s images, and a class `lonely` with a single image.
 */
export function ensureBadData() {
  const target = join(session().workspace, 'baddata');
  if (existsSync(target)) return target;
  const src = (cls) => readdirSync(join(demoData, 'train', cls)).slice(0, 10).map((f) => join(demoData, 'train', cls, f));
  for (const [cls, files] of [['a', src('5')], ['b', src('6')], ['lonely', src('7').slice(0, 1)]]) {
    mkdirSync(join(target, cls), { recursive: true });
    for (const f of files) cpSync(f, join(target, cls, f.split('/').pop()));
  }
  writeFileSync(join(target, 'a', 'corrupt.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not an image, just bytes after the signature')]));
  return target;
}

/** The Runs view's rows, newest first, once refreshed: `{label, aria}` of each. */
export async function runsRows(page) {
  await runCommandSoon(page, 'Finetune: Refresh Runs');
  await runCommandSoon(page, 'Finetune: Focus on Runs View');
  const pane = await viewPane(page, 'Runs');
  const rows = treeRows(pane);
  await rows.first().waitFor({ timeout: 30_000 });
  return Promise.all((await rows.all()).map(async (row) => ({
    label: ((await row.locator('.label-name').first().textContent()) ?? '').trim(),
    aria: (await row.getAttribute('aria-label')) ?? '',
  })));
}

/** Text of the toasts shown now (trimmed). */
export async function toastTexts(page) {
  return (await page.locator('.notification-toast .notification-list-item-message').allTextContents()).map((t) => t.trim());
}

/** The Finetune status-bar item's text. */
export async function statusBarText(page) {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'Finetune:' }).first();
  return ((await item.textContent().catch(() => '')) ?? '').trim();
}

/**
 * Explorer → right-click a top-level folder → Fine-tune on this Dataset. The
 * folders are collapsed first: after other scenarios the Explorer's virtual
 * list may hold hundreds of expanded rows, with the folder scrolled away.
 */
export async function fineTuneFromExplorer(page, name) {
  await focusWorkbench(page);
  const row = await revealExplorerPath(page, [name]);
  await row.click({ button: 'right' });
  await chooseFromContextMenu(page, 'Fine-tune on this Dataset');
}
