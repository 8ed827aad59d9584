// Scenario 9 (issue 11): Sweep Cut Points… from the palette on the demo with
// the preset grid (auto cuts × head only × 1 seed) → every candidate is an
// ordinary run in the sweep folder → the comparison view opens with one point
// per candidate and the Pareto front → clicking a point opens its run: the
// Layers view cuts where it did and the dashboard shows its history. Then, in
// the Runs view, the sweep's runs are grouped under it with its best figure,
// and two of them selected compare with their differing settings marked.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, scenario, screenshot, session, treeRows, viewPane } from '../harness.mjs';
import { chooseFromContextMenu, dashboard, focusWorkbench, readyDashboard, runCommandSoon, setField } from './ui-helpers.mjs';

/** The comparison page (a playwright Frame), found by its content as the dashboard helper finds its own. */
async function comparePage(page, { timeout = 600_000, points } = {}) {
  const deadline = Date.now() + timeout;
  const ready = points === undefined ? '#scatter[data-points]' : `#scatter[data-points="${points}"]`;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.locator(`body[data-ready="true"] ${ready}`).count().catch(() => 0);
      if (found > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error('the comparison view did not open');
    await page.waitForTimeout(500);
  }
}

/** Accepts the preset value of the grid's input box `step` of 3. */
async function acceptGridStep(page, step, expected) {
  const widget = page.locator('.quick-input-widget', { hasText: `Sweep Cut Points (${step}/3)` });
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  const input = widget.locator('.quick-input-box input');
  assert.equal(await input.inputValue(), expected, `preset of step ${step}`);
  await input.press('Enter');
}

describe('ui: sweep and compare', () => {
  scenario('a sweep on the demo from the palette opens the comparison; a point opens its run', async ({ page }) => {
    // A sweep on the demo, whatever model an earlier scenario left open (the Keras one, say).
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Open Demo Model');
    await runCommandSoon(page, 'Finetune: Focus on Layers View');
    await treeRows(await viewPane(page, 'Layers'), '✂ cut').filter({ hasText: /dense1\s*\[/ }).waitFor({ timeout: 60_000 });
    let view = await readyDashboard(page);
    await setField(view, 'hyper-epochs', 3); // 3 candidates × 3 epochs keeps the scenario short
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Sweep Cut Points…');
    await acceptGridStep(page, 1, 'auto');
    await acceptGridStep(page, 2, 'head');
    await acceptGridStep(page, 3, '1');

    const compare = await comparePage(page);
    // The demo CNN's auto cuts: conv2 (before pooling), flatten, dense1 (the hidden dense).
    assert.equal(await compare.locator('#scatter').getAttribute('data-points'), '3');
    assert.equal(await compare.locator('#scatter button.point').count(), 3);
    assert.equal(await compare.locator('#results-table tbody tr').count(), 3);
    assert.equal(await compare.locator('#curves').getAttribute('data-series'), '3');
    assert.ok(Number(await compare.locator('#scatter').getAttribute('data-front')) >= 1, 'a Pareto front is drawn');
    assert.equal(await compare.locator('#config-table tr.differs[data-key="cut"]').count(), 1, 'the cut is the setting that differs');

    // Each candidate is an ordinary run folder inside the sweep folder.
    const runs = join(session().workspace, '.finetune', 'runs');
    const sweep = readdirSync(runs).filter((d) => existsSync(join(runs, d, 'sweep.json'))).sort().pop();
    assert.ok(sweep, `no sweep folder under ${runs}`);
    const record = JSON.parse(readFileSync(join(runs, sweep, 'sweep.json'), 'utf8'));
    assert.deepEqual(record.rows.map((r) => r.cut), ['conv2', 'flatten', 'dense1']);
    for (const m of record.members) assert.ok(existsSync(join(runs, sweep, 'runs', m.runDir, 'model', 'model.json')), `${m.id} saved its model`);

    // The axis switches between the four costs.
    await compare.locator('#axis').selectOption('trainableParams');
    await compare.locator('#scatter[data-axis="trainableParams"]').waitFor({ state: 'attached' });
    await compare.locator('#axis').selectOption('trainingMs');
    await compare.locator('#scatter[data-axis="trainingMs"]').waitFor({ state: 'attached' });
    await screenshot(page, 'ui-9-compare');

    // Clicking the flatten candidate opens its run: cut at flatten in the Layers view, 3 epochs in the dashboard.
    await compare.locator('#scatter button.point[aria-label*="cut flatten"]').click();
    const pane = await viewPane(page, 'Layers');
    // The model's root row says "cut at flatten" too; the cut layer's own row is the one marked ✂.
    await treeRows(pane, '✂ cut').filter({ hasText: /flatten\s*\[/ }).waitFor({ timeout: 60_000 });
    view = await dashboard(page);
    await view.locator('#run-message', { hasText: /^Opened .*c2-s42: 3 epochs/ }).waitFor({ timeout: 30_000 });
    await view.locator('#charts-section[data-epochs="3"]').waitFor({ state: 'attached' });

    // Leave the workbench as the other scenarios expect it: the demo's own settings.
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Open Demo Model');
    await treeRows(pane, '✂ cut').filter({ hasText: /dense1\s*\[/ }).waitFor({ timeout: 60_000 });
  }, { timeout: 900_000 });

  scenario('the Runs view groups the sweep with its best figure; two selected runs compare with their settings diff', async ({ page }) => {
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Focus on Runs View');
    const pane = await viewPane(page, 'Runs');
    // The sweep folder is named after the dataset the earlier scenarios left chosen; only '-sweep-' is certain.
    const sweepRow = treeRows(pane, '-sweep-').first();
    await sweepRow.waitFor({ timeout: 30_000 });
    assert.match((await sweepRow.textContent()) ?? '', /sweep · completed · 3 candidates · best \d+\.\d% \(c2: flatten · head\)/);
    if ((await sweepRow.getAttribute('aria-expanded')) !== 'true') await sweepRow.locator('.monaco-tl-twistie').click();
    const first = treeRows(pane, 'c1-s42').first();
    const second = treeRows(pane, 'c2-s42').first();
    await first.click();
    await second.click({ modifiers: ['Control'] });
    await second.click({ button: 'right' });
    await chooseFromContextMenu(page, 'Compare Runs');
    const compare = await comparePage(page, { timeout: 120_000, points: 2 });
    assert.equal(await compare.locator('#results-table tbody tr').count(), 2);
    assert.equal(await compare.locator('#config-table tr.differs[data-key="cut"]').count(), 1, 'the cuts differ');
    assert.equal(await compare.locator('#config-table tr.differs[data-key="optimizer"]').count(), 0, 'the optimizer does not');
    // Costs of runs outside a sweep's record are measured on their saved models.
    await compare.locator('#axis').selectOption('modelBytes');
    await compare.locator('#scatter[data-axis="modelBytes"][data-points="2"]').waitFor({ state: 'attached' });
    await screenshot(page, 'ui-9-compare-runs');
    await focusWorkbench(page);
    await runCommandSoon(page, 'View: Close Editor');
  }, { timeout: 300_000 });
});
