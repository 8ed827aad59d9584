// Issue 13 (requirements 3 and 4 in the UI): on the demo, the dashboard's LR
// Finder sweeps the learning rate and plots loss against it on a log axis,
// raw and smoothed, with the suggestion marked and the rule that picked it;
// "diverged" is the expected end, not an error. One click applies the
// suggestion to the learning-rate field. A short fine-tune then shows each
// trainable layer's learning signal (a scale and its value) in the Layers
// view and the heat strip, and a checkmark on the frozen layers whose weights
// the run verified unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, scenario, screenshot, treeRows, viewPane } from '../harness.mjs';
import { dashboard, focusWorkbench, runCommandSoon, setField, startRun } from './ui-helpers.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('ui-9: LR finder and per-layer learning signal', () => {
  scenario('LR Finder on the demo: plot, suggestion, apply; then per-layer values and frozen checkmarks', async ({ page }) => {
    // Its own state: the demo model and its digits, whatever an earlier scenario left open.
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Open Demo Model');
    await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });

    // The sweep: the button is on, the section shows progress, then the result.
    await view.locator('#lr-find:not([disabled])').click();
    await view.locator('#lr-finder-section:not([hidden])').waitFor({ timeout: 30_000 });
    await view.locator('#lr-finder-section[data-phase="done"]').waitFor({ timeout: 300_000 });
    // Both are normal ends: the loss diverging (the usual end), or the whole range (1e-7 to 10) swept
    // without it (the demo's head, at dropout 0.5, stays just under the 4× threshold).
    const status = (await view.locator('#lr-status').textContent()) ?? '';
    const [, end] = /^LR finder: (the loss diverged after \d+ batches, as a sweep is meant to end|swept the whole range in 100 batches without the loss diverging); suggested learning rate \d\.\de-\d+\.$/.exec(status) ?? [];
    assert.ok(end, status);
    assert.equal(await view.locator('#lr-status.error').count(), 0, 'the end is not shown as an error');
    assert.ok((await view.locator('#lr-chart canvas').count()) >= 1, 'uPlot drew the chart');
    assert.match((await view.locator('#lr-chart .u-title').textContent()) ?? '', /^Loss against learning rate$/);
    const legend = await view.locator('#lr-chart .u-legend').textContent();
    assert.match(legend ?? '', /loss.*smoothed loss/s, 'raw and smoothed series');
    const tail = end.startsWith('the loss diverged') ? 'then the loss diverged, which is how a sweep is meant to end' : 'and it reached the end of its range';
    assert.match((await view.locator('#lr-summary').textContent()) ?? '', new RegExp(`^Swept \\d+ batches from 1\\.0e-7 to \\d\\.\\de-?\\d+; the smoothed loss was lowest \\([\\d.]+\\) at \\d\\.\\de-\\d+, ${tail}\\.$`));
    const rule = (await view.locator('#lr-rule').textContent()) ?? '';
    const [, suggested] = /^Suggested (\d\.\de-\d+): a tenth of the rate at the lowest smoothed loss \(fastai lr_min\)/.exec(rule) ?? [];
    assert.ok(suggested, rule);
    assert.equal(((await view.locator('#lr-use').textContent()) ?? '').trim(), `Use ${suggested}`);
    assert.equal(await view.locator('#start:not([disabled])').count(), 1, 'Start is back once the sweep has ended');
    await view.locator('#lr-finder-section').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-9-lr-finder');

    // One click: the learning-rate field takes the suggestion as shown.
    await view.locator('#lr-use').click();
    await waitForValue(view, 'hyper-learningRate', String(Number(suggested)));

    // Hiding and showing the dashboard rebuilds the page: the host still has the sweep.
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Focus on Layers View');
    const again = await dashboard(page);
    await again.locator('#lr-finder-section[data-phase="done"]').waitFor({ timeout: 30_000 });
    assert.equal(((await again.locator('#lr-use').textContent()) ?? '').trim(), `Use ${suggested}`);

    // A short fine-tune at that rate.
    await setField(again, 'hyper-epochs', 3);
    await startRun(again);
    await again.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 300_000 });
    assert.match((await again.locator('#run-status').textContent()) ?? '', /^Completed · 3 epochs/);

    // The heat strip: one row per trainable layer (dense1 and the new head), one column per epoch.
    const strip = again.locator('#layer-strip');
    await again.locator('#layer-strip-section:not([hidden])').waitFor();
    assert.equal(await strip.locator('thead th').count(), 4, 'Layer + 3 epochs');
    assert.ok((await strip.locator('tbody tr').count()) >= 2);
    assert.equal(await strip.locator('tbody tr[data-layer="dense1"]').count(), 1);
    assert.match((await strip.locator('tbody tr[data-layer="dense1"] td').first().getAttribute('title')) ?? '', /^dense1, epoch 1: update ratio \d\.\de-\d+, gradient norm \d\.\de-?\d+$/);
    assert.match((await again.locator('#frozen-check').textContent()) ?? '', /^✓ 2 frozen layer\(s\) verified unchanged \(same sha256 at the start and end of the run\): conv1, conv2\.$/);
    // The LR finder's plot and the heat strip on screen: axe-core finds no serious or critical violation.
    await again.evaluate(axeSource);
    const violations = await again.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
    assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], JSON.stringify(violations));

    // The Layers view: a scale and a value on the trainable layer, a checkmark on the frozen ones.
    await focusWorkbench(page);
    await runCommandSoon(page, 'Finetune: Focus on Layers View');
    const pane = await viewPane(page, 'Layers');
    const row = (name) => treeRows(pane).filter({ hasText: new RegExp(`^${name}(?!\\w)`) }).first(); // not conv1_input
    const dense1 = row('dense1');
    await waitForText(dense1, /^dense1\s*[▁▂▃▅▇] \d\.\de-\d+ · \[\?, 128\] · 590k params · ✂ cut$/);
    for (const name of ['conv1', 'conv2']) await waitForText(row(name), new RegExp(`^${name}\\s*✓ unchanged · \\[`));
    await dense1.hover();
    // The row's tooltip (a workbench hover) gives both numbers and the scale.
    // (VS Code's MarkdownString.appendText writes spaces as &nbsp;, hence \s.)
    await waitForText(page.locator('.monaco-hover-content').first(), /Learning\ssignal\s\(latest\sepoch\):\sgradient\snorm\s\d\.\de-?\d+,\supdate\sratio\s\d\.\de-\d+\s[▁▂▃▅▇]Update\sratio\s=/);
    await screenshot(page, 'ui-9-lr-finder-layers');
  }, { timeout: 800_000 });
});

/** Waits until an element's text (a tree row: label and description) matches `pattern`; fails showing the text it had. */
async function waitForText(element, pattern) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = ((await element.textContent()) ?? '').trim();
    if (pattern.test(text)) return;
    if (Date.now() > deadline) assert.match(text, pattern);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until a field shows `expected` (the host's patch arrives asynchronously). */
async function waitForValue(view, id, expected) {
  const input = view.locator(`input#${id}`);
  const deadline = Date.now() + 30_000;
  while ((await input.inputValue()) !== expected) {
    if (Date.now() > deadline) assert.equal(await input.inputValue(), expected);
    await new Promise((r) => setTimeout(r, 250));
  }
}
