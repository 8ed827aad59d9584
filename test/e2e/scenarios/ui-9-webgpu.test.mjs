// Scenario 9: the GPU path from the installed VSIX. A second window with
// `finetune.backend: webgpu` fine-tunes the demo; the trainer loads dawn.node
// from the VSIX's own node_modules and trains on this machine's adapter
// (llvmpipe, a software one, on CI: Mesa's Vulkan drivers from
// bookworm-backports). The dashboard names the adapter, and the run reaches
// the demo's accuracy. Under CI=true a missing adapter fails the scenario;
// elsewhere it skips, saying why.
import assert from 'node:assert/strict';
import { clearNotifications, describe, scenario, screenshot } from '../harness.mjs';
import { openExtraWindow } from '../lib/session.mjs';
import { dashboard, runCommandSoon, startRun } from './ui-helpers.mjs';

describe('ui: webgpu', () => {
  scenario('the demo fine-tunes on webgpu inside code-server, from the installed VSIX', async ({ t }) => {
    const window = await openExtraWindow('webgpu', { settings: { 'finetune.backend': 'webgpu' } });
    try {
      const { page } = window;
      await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
      const view = await dashboard(page, { timeout: 120_000 });
      await view.locator('#health-summary', { hasText: '5 classes' }).waitFor({ timeout: 120_000 });
      await clearNotifications(page);
      await startRun(view);
      const status = view.locator('#run-status');
      // The backend line arrives first; a failure to get webgpu ends the run at once.
      await view.locator('#run-section[data-phase="running"], #run-section[data-phase="failed"]').first().waitFor({ state: 'attached', timeout: 120_000 });
      await view.locator('#run-status', { hasText: 'backend' }).or(view.locator('#run-section[data-phase="failed"]')).first().waitFor({ timeout: 120_000 });
      const line = (await status.textContent()) ?? '';
      if ((await view.locator('#run-section').getAttribute('data-phase')) === 'failed' && process.env.CI !== 'true' && /webgpu.*not available/.test(line)) {
        t.skip(`no webgpu adapter here: ${line}`);
        return;
      }
      assert.match(line, /backend webgpu \(.+\)/, `the status line names the adapter: ${line}`);
      await view.locator('#epoch-rows tr[data-epoch="2"]').waitFor({ state: 'attached', timeout: 300_000 });
      await screenshot(page, 'ui-9-webgpu-training');
      await view.locator('#run-section[data-phase="completed"]').waitFor({ timeout: 1_500_000 });
      const summary = (await view.locator('#results-summary').textContent()) ?? '';
      const acc = Number(/Validation accuracy ([\d.]+)%/.exec(summary)?.[1]);
      assert.ok(acc >= 97, `validation accuracy ${acc}% (${summary})`);
      assert.match((await status.textContent()) ?? '', /backend webgpu/, 'still webgpu at the end: training never moved to cpu');
    } finally {
      await window.close();
    }
  }, { timeout: 1_800_000 });
});
