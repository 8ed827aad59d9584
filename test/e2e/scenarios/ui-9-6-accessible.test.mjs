// Issue 15, problem 6: a screen reader can use the dashboard. axe-core runs
// inside the dashboard's page (with results on screen) and finds no serious or
// critical violation; every control has a name; the charts have a name and a
// text alternative; the confusion matrix is a table with a caption and header
// cells, and one tab stop (the arrow keys move inside it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, ensureDigits, setField } from './ui-helpers.mjs';
import { fineTuneFromExplorer } from './ui-9-helpers.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('ui-9: accessible dashboard', () => {
  scenario('axe-core finds no serious or critical violation; names, chart text and the matrix table', async ({ page }) => {
    ensureDigits();
    await fineTuneFromExplorer(page, 'digits');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });
    await setField(view, 'hyper-epochs', 2);
    await view.locator('#start:not([disabled])').click();
    await view.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });

    // Evaluated through the debugger protocol, which the page's CSP (scripts by nonce only) does not govern.
    await view.evaluate(axeSource);
    const violations = await view.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `axe-core: ${JSON.stringify(violations, null, 1)}`);

    // Every form control is announced by its own name, not as "Text field".
    const unnamed = await view.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')].filter((c) => !(c.labels?.length || c.getAttribute('aria-label'))).map((c) => c.id || c.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unnamed, []);
    assert.equal(await view.locator('label[for="hyper-optimizer"]').textContent(), 'Optimizer');

    for (const id of ['batch-chart', 'epoch-chart']) {
      const chart = view.locator(`#${id}`);
      assert.equal(await chart.getAttribute('role'), 'img');
      assert.ok((await chart.getAttribute('aria-label'))?.startsWith('Chart: '));
      const summary = (await view.locator(`#${await chart.getAttribute('aria-describedby')}`).textContent()) ?? '';
      assert.match(summary, id === 'batch-chart' ? /^Latest batch .*: loss [\d.]+, accuracy [\d.]+%\.$/ : /^After epoch 2: loss .*validation [\d.]+%\)\. Every epoch is in the Epochs table\.$/, summary);
    }

    const table = view.locator('#confusion-table');
    assert.match((await table.locator('caption').textContent()) ?? '', /^Confusion matrix on the validation images: rows are the actual class, columns the predicted class/);
    assert.equal(await table.locator('thead th[scope="col"]').count(), 5);
    assert.equal(await table.locator('tbody th[scope="row"]').count(), 5);
    const tabStops = await table.evaluate((t) => [...t.querySelectorAll('button')].filter((b) => b.tabIndex >= 0).length);
    assert.equal(tabStops, 1, 'one tab stop for the whole matrix, not 25');
    const first = table.locator('button[tabindex="0"]');
    await first.focus();
    await first.press('ArrowRight');
    await first.press('ArrowDown'); // the handler moved focus; this key goes to the focused cell
    const focused = await view.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert.match(focused ?? '', /^Actual 6, predicted 6: \d+ of \d+ images\. Show them\.$/);
    await view.locator('#confusion-table').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-9-6-confusion-matrix');
  }, { timeout: 500_000 });
});
