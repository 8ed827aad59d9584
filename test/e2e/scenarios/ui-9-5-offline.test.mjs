// Issue 15, problem 5 (the download part): offline, Open Model from Catalog…
// says "No internet connection: could not reach … (the model is not in the
// cache)" in plain words, and the "downloading…" progress toast is gone. This
// machine has no DNS for the catalog's hosts, which is exactly "offline".
import assert from 'node:assert/strict';
import { describe, scenario, screenshot, waitForNotification } from '../harness.mjs';
import { focusWorkbench, runCommandSoon } from './ui-helpers.mjs';
import { toastTexts } from './ui-9-helpers.mjs';

describe('ui-9: offline downloads say so', () => {
  scenario('a catalog model that is not cached: "No internet connection", and the progress toast closes', async ({ page }) => {
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Open Model from Catalog…');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'MobileNet v2' }).first();
    await pick.waitFor({ timeout: 60_000 });
    await pick.click();
    const note = await waitForNotification(page, 'No internet connection', { timeout: 240_000 });
    const text = ((await note.locator('.notification-list-item-message').textContent()) ?? '').trim();
    assert.match(text, /^Finetune: No internet connection: could not reach [\w.-]+ \(the model is not in the cache\)\.$/, text);
    assert.doesNotMatch(text, /ENOTFOUND|getaddrinfo/);
    await page.waitForTimeout(1500);
    const toasts = await toastTexts(page);
    assert.ok(!toasts.some((t) => /downloading/i.test(t)), `the progress toast closed: ${JSON.stringify(toasts)}`);
    await screenshot(page, 'ui-9-5-offline');
    await runCommandSoon(page, 'Notifications: Clear All Notifications');
  }, { timeout: 360_000 });
});
