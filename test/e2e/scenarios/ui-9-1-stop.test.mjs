// Issue 15, problem 1: Stop is a stop in every phase. Stop while images are
// decoded (or features extracted) ends with "Stopped before training": no
// error toast, no failed state, and the Runs view says the same. A run
// stopped in epoch 1 shows the same words and figures in Runs as on the
// dashboard.
import assert from 'node:assert/strict';
import { describe, scenario, screenshot } from '../harness.mjs';
import { dashboard, runCommandSoon, setField, startRun } from './ui-helpers.mjs';
import { ensureManyDigits, fineTuneFromExplorer, runsRows, statusBarText, toastTexts } from './ui-9-helpers.mjs';

describe('ui-9: Stop is never a failure', () => {
  scenario('Stop during decoding: "Stopped before training", no error toast, Runs agrees', async ({ page }) => {
    ensureManyDigits();
    // The demo model, whatever an earlier scenario left open (a 224×224 Graph model makes every phase slow).
    await runCommandSoon(page, 'Finetune: Open Demo Model');
    await fineTuneFromExplorer(page, 'manydigits');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });
    await startRun(view);
    // The first and longest phase: decoding, then feature extraction.
    await view.locator('#run-status', { hasText: /Decoding images|Extracting features/ }).waitFor({ timeout: 120_000 });
    await view.locator('#stop:not([disabled])').click();
    await view.locator('#run-section[data-phase="cancelled"]').waitFor({ timeout: 120_000 });
    const status = (await view.locator('#run-status').textContent()) ?? '';
    assert.match(status, /^Stopped before training/, status);
    assert.match((await view.locator('#status-line').textContent()) ?? '', /^Stopped before training/);
    await screenshot(page, 'ui-9-1-stopped-before-training');
    const toasts = await toastTexts(page);
    assert.ok(!toasts.some((t) => /fail|aborted/i.test(t)), `no error toast: ${JSON.stringify(toasts)}`);
    assert.doesNotMatch(await statusBarText(page), /failed/i);
    const [newest] = await runsRows(page);
    assert.equal(newest.label, 'Stopped', JSON.stringify(newest));
    assert.match(newest.aria, /^Stopped before training/, 'not "interrupted · 0 epochs"');
  }, { timeout: 400_000 });

  scenario('Stop in epoch 1: Runs shows the dashboard\'s status and figures', async ({ page }) => {
    await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
    const view = await dashboard(page);
    await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });
    await setField(view, 'hyper-epochs', 5);
    await startRun(view);
    await view.locator('#charts-section[data-batches]:not([data-batches="0"])').waitFor({ timeout: 180_000 });
    await view.locator('#stop:not([disabled])').click();
    await view.locator('#run-section[data-phase="cancelled"]').waitFor({ timeout: 120_000 });
    const status = ((await view.locator('#run-status').textContent()) ?? '').split(' · backend')[0];
    assert.match(status, /^Stopped (during epoch 1|after \d+ epochs?) · val acc \d+\.\d%/, status);
    const [newest] = await runsRows(page);
    assert.match(newest.label, /^Stopped · \d+\.\d%$/, JSON.stringify(newest));
    assert.ok(newest.aria.startsWith(status), `Runs says "${newest.aria}", the dashboard "${status}"`);
    await screenshot(page, 'ui-9-1-stopped-in-epoch');
  }, { timeout: 400_000 });
});
