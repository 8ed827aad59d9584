// Scenario 5: Classify with Fine-tuned Model on a sample PNG → the top label is right.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, explorerRow, openPalette, scenario, screenshot, waitForNotification } from '../harness.mjs';
import { chooseFromContextMenu, ensureDigits, focusWorkbench } from './ui-helpers.mjs';

describe('ui: classify', () => {
  scenario('Classify with Fine-tuned Model names the digit of a sample PNG', async ({ page }) => {
    const digits = ensureDigits();
    const file = readdirSync(join(digits, 'validation', '7')).sort()[0];
    // Open the file with the Explorer showing: it scrolls to and selects the
    // active file (explorer.autoReveal), past the long folder above it.
    await focusWorkbench(page);
    await explorerRow(page, 'digits');
    await focusWorkbench(page);
    const quickOpen = await openPalette(page);
    await quickOpen.fill(`digits/validation/7/${file}`); // without '>', the palette is Quick Open
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().click();
    const row = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: file }).first();
    await row.waitFor();
    await row.click({ button: 'right' });
    await chooseFromContextMenu(page, 'Classify with Fine-tuned Model');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
    // With several runs, a quick pick asks which one: take the most accurate.
    if (await pick.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const texts = await rows.allTextContents();
      const accuracy = (t) => Number(/best val acc ([\d.]+)%/.exec(t)?.[1] ?? 0);
      const best = texts.reduce((b, t, i) => (accuracy(t) > accuracy(texts[b]) ? i : b), 0);
      await rows.nth(best).click();
    }
    const toast = await waitForNotification(page, '→', { timeout: 120_000 });
    const text = (await toast.textContent()) ?? '';
    assert.match(text, /→ 7 \d/, `top label should be 7: ${text}`);
    await screenshot(page, 'ui-5-classify');
  }, { timeout: 300_000 });
});
