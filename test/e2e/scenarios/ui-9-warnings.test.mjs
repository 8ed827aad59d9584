// Issue 13, requirement 5: warnings where the user looks. With the demo
// model, its digits and every layer trainable at adam's 0.001, the check
// before Start warns that the learning rate overwrites pre-trained filters:
// in the dashboard's Warnings section and in the Problems panel, on the
// next run's spec. The quick fix from the Problems panel (its lightbulb, once
// the spec is open) sets the learning rate, and the warning goes from
// both places; a higher rate brings it back, and the dashboard's own fix
// button removes it again. A run with that rate reports the warning itself,
// on its spec.json, where the quick fix is for the next run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, runCommand, scenario, screenshot } from '../harness.mjs';
import { chooseFromContextMenu, dashboard, ensureDigits, focusWorkbench, openDemoModel, setField } from './ui-helpers.mjs';
import { fineTuneFromExplorer, toastTexts } from './ui-9-helpers.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RATE_WARNING = /^learning rate 0\.0\d+ with 2 unfrozen convolution\(s\): above 0\.0001/;

/** The Problems panel's rows for our warnings (the marker rows, not the file rows). */
function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row', { hasText: 'unfrozen convolution' });
}

describe('ui-9: warnings where the user looks', () => {
  scenario('a high learning rate on an unfrozen network: warned in the dashboard and the Problems panel before and after a run, fixed from both', async ({ page }) => {
    ensureDigits();
    await openDemoModel(page); // and wait for its layers, so that nothing closes the Explorer's menu below
    await fineTuneFromExplorer(page, 'digits');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });
    await view.locator('#preset-all').click();
    await view.locator('#trainable-detail').waitFor();
    await setField(view, 'hyper-learningRate', 0.001);

    // The dashboard: the warning with its fix, found by the check of the spec Start would send.
    const item = view.locator('#warnings-list li[data-warning="learningRateHigh"]');
    await item.waitFor({ timeout: 120_000 });
    assert.match((await item.locator('.warning-message').textContent()) ?? '', RATE_WARNING);
    assert.equal(((await item.locator('.warning-fix').textContent()) ?? '').trim(), 'Use learning rate 0.0001');
    assert.match((await view.locator('#warnings-status').textContent()) ?? '', /^For the next run, as set now/);
    // The list and its fix button pass axe-core (ui-9-6-accessible checks the whole page without a warning).
    await view.evaluate(axeSource);
    const violations = await view.evaluate(async () => (await window.axe.run('#warnings-section', { resultTypes: ['violations'] })).violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    assert.deepEqual(violations.filter((v) => /^(serious|critical) /.test(v)), [], violations.join('\n'));
    assert.equal(await item.locator('.warning-fix').getAttribute('aria-describedby'), 'warning-learningRateHigh-message', 'the button is read with the warning it fixes');

    // The Problems panel: one Warning on the next run's spec, from Finetune, coded by the warning's id.
    await focusWorkbench(page);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = problemRows(page).first();
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await problemRows(page).count(), 1);
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, /Finetune/);
    assert.match(rowText, /learningRateHigh/);
    assert.equal(await row.locator('.codicon-warning').count(), 1, 'severity Warning');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'next-run.spec.json' }).first().waitFor();
    await view.locator('#warnings-section').evaluate((section) => section.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'ui-9-warnings');

    // The quick fix from the Problems panel: opening the problem opens the spec at the field; with its text
    // open, VS Code asks the extension's code-action provider, and the row's lightbulb offers the fix.
    await row.dblclick();
    await page.locator('.tabs-container .tab', { hasText: 'next-run.spec.json' }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-line', { hasText: '"learningRate": 0.001' }).first().waitFor();
    const bulb = problemRows(page).first().locator('.markers-panel-action-quickfix[aria-label="Show fixes"]');
    await bulb.waitFor({ timeout: 30_000 });
    await bulb.click();
    await chooseFromContextMenu(page, 'Use learning rate 0.0001');
    await problemRows(page).first().waitFor({ state: 'detached', timeout: 120_000 });
    assert.ok((await toastTexts(page)).some((t) => t.startsWith('Finetune: Use learning rate 0.0001.')), 'the fix says what it did');
    // The spec's editor hid the dashboard, whose page was discarded: it is rebuilt from the host's state.
    const dash = await dashboard(page);
    assert.match((await dash.locator('#warnings-status').textContent()) ?? '', /next run/);
    assert.equal(await dash.locator('#warnings-list li[data-warning="learningRateHigh"]').count(), 0, 'the snapshot no longer has it');
    assert.equal(await dash.locator('input#hyper-learningRate').inputValue(), '0.0001');

    // A higher rate brings the warning back; the dashboard's button applies the same fix.
    await setField(dash, 'hyper-learningRate', 0.01);
    const again = dash.locator('#warnings-list li[data-warning="learningRateHigh"]');
    await again.waitFor({ timeout: 120_000 });
    await again.locator('.warning-fix').click();
    await again.waitFor({ state: 'detached', timeout: 120_000 });
    await dash.waitForFunction(() => document.querySelector('#hyper-learningRate')?.value === '0.0001', null, { timeout: 10_000 });
    assert.match((await dash.locator('#warnings-status').textContent()) ?? '', /next run/);

    // A run with the high rate reports the warning itself; it moves to the run's spec.json, where the
    // quick fix changes the settings of the next run and says so.
    await setField(dash, 'hyper-learningRate', 0.01);
    await again.waitFor({ timeout: 120_000 });
    await setField(dash, 'hyper-epochs', 1);
    await dash.locator('#start:not([disabled])').click();
    await dash.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
    assert.match((await dash.locator('#warnings-status').textContent()) ?? '', /^Reported by the run/);
    await focusWorkbench(page);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.markers-panel .monaco-list-row .label-name', { hasText: /^spec\.json$/ }).first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.markers-panel .monaco-list-row', { hasText: 'next-run.spec.json' }).count(), 0, 'the next run\'s spec no longer holds it');
    assert.equal(await problemRows(page).count(), 1);
    await problemRows(page).first().dblclick();
    await page.locator('.tabs-container .tab', { hasText: /^spec\.json/ }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-line', { hasText: '"learningRate": 0.01' }).first().waitFor();
    const runBulb = problemRows(page).first().locator('.markers-panel-action-quickfix[aria-label="Show fixes"]');
    await runBulb.waitFor({ timeout: 30_000 });
    await runBulb.click();
    await chooseFromContextMenu(page, 'Use learning rate 0.0001');
    await problemRows(page).first().waitFor({ state: 'detached', timeout: 120_000 });
    assert.ok((await toastTexts(page)).some((t) => /^Finetune: Use learning rate 0\.0001\. It changes the dashboard's settings for the next run; this run's spec\.json stays as it ran\.$/.test(t)));
    await page.locator('.monaco-editor .view-line', { hasText: '"learningRate": 0.01' }).first().waitFor({ timeout: 5_000 });
    const after = await dashboard(page);
    assert.equal(await after.locator('input#hyper-learningRate').inputValue(), '0.0001');
  }, { timeout: 700_000 });
});
