// Issue 15, problem 4: data problems are found when the dataset is chosen.
// The health report lists a corrupt PNG (not counted in its class) with a
// link that opens it, and a class with one image is an error that blocks
// Start and says how to fix it.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, runCommandSoon } from './ui-helpers.mjs';
import { ensureBadData, fineTuneFromExplorer } from './ui-9-helpers.mjs';

describe('ui-9: the health report finds bad data at scan time', () => {
  scenario('a corrupt PNG is listed with a link; a one-image class blocks Start with its fix', async ({ page }) => {
    ensureBadData();
    await fineTuneFromExplorer(page, 'baddata');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '3 classes' }).waitFor({ timeout: 120_000 });
    const counts = await view.locator('#class-counts tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    assert.deepEqual(counts.find((r) => r[0] === 'a')?.at(-1), '10', `the corrupt file is not counted: ${JSON.stringify(counts)}`);
    const errors = (await view.locator('#health-errors').textContent()) ?? '';
    assert.match(errors, /class 'lonely' has 1 training image; at least 2 are needed\. Add images to lonely\/ or remove that folder\./);
    assert.equal(await view.locator('#start[disabled]').count(), 1);
    const link = view.locator('#skipped-files a', { hasText: 'a/corrupt.png' });
    await link.waitFor();
    assert.match((await view.locator('#skipped-files li', { hasText: 'a/corrupt.png' }).textContent()) ?? '', /corrupt or unreadable image/);
    await screenshot(page, 'ui-9-4-health-report');
    await link.click();
    await page.locator('.tabs-container .tab', { hasText: 'corrupt.png' }).first().waitFor({ timeout: 30_000 });
    await runCommandSoon(page, 'View: Close Editor');
  }, { timeout: 300_000 });
});
