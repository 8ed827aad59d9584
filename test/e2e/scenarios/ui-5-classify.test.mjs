// Scenario 5: Classify with Fine-tuned Model on a sample PNG → the top label is right.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contextMenuItem, describe, scenario, screenshot, session, waitForNotification } from '../harness.mjs';
import { ensureDigits, revealInExplorer } from './ui-helpers.mjs';

describe('ui: classify', () => {
  scenario('Classify with Fine-tuned Model names the digit of a sample PNG', async ({ page }) => {
    const digits = ensureDigits();
    const file = readdirSync(join(digits, 'validation', '7')).sort()[0];
    const row = await revealInExplorer(page, ['digits', 'validation', '7', file]);
    await row.click({ button: 'right' });
    await contextMenuItem(page, 'Classify with Fine-tuned Model').click();
    // With several runs, a quick pick asks which one: take the first (newest) with a model.
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
    if (await pick.isVisible({ timeout: 5000 }).catch(() => false)) {
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'best val acc' }).first().click();
    }
    const toast = await waitForNotification(page, '→', { timeout: 120_000 });
    const text = (await toast.textContent()) ?? '';
    assert.match(text, /→ 7 \d/, `top label should be 7: ${text}`);
    await screenshot(page, 'ui-5-classify');
    assert.ok(session().workspace);
  }, { timeout: 300_000 });
});
