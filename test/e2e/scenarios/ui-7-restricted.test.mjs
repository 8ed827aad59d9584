// Scenario 7: Workspace Trust. A second window on the same workspace, with
// trust enabled and never asked for, opens in Restricted Mode: fine-tuning,
// downloads and the dashboard's Start are refused with an explanation, no
// trainer process starts and no run folder appears. Trusting the workspace
// from our own warning lifts all of it without a reload.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearNotifications, describe, explorerRow, scenario, screenshot, waitForNotification } from '../harness.mjs';
import { openExtraWindow } from '../lib/session.mjs';
import { groupMembers } from '../lib/processes.mjs';
import { chooseFromContextMenu, dashboard, ensureDigits, focusWorkbench, runCommandSoon } from './ui-helpers.mjs';

const RESTRICTED = 'disabled in Restricted Mode';

/** Run folders in the workspace's default runs folder (`.finetune/runs`), if any. */
function runFolders(workspace) {
  const dir = join(workspace, '.finetune', 'runs');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Processes of the window's server group running our trainer bundle. */
function trainerProcesses(pgid) {
  return groupMembers(pgid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('trainer.js');
    } catch {
      return false; // exited while we looked
    }
  });
}

describe('ui: Restricted Mode', () => {
  scenario('an untrusted workspace refuses training and downloads, with an explanation, until it is trusted', async ({ session }) => {
    ensureDigits();
    const runsBefore = runFolders(session.workspace);
    const window = await openExtraWindow('restricted', {
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
    });
    try {
      const { page } = window;
      // The workbench itself says it is restricted.
      await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();

      // The palette command: refused, with the reason and a way to trust.
      await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
      const refusal = await waitForNotification(page, RESTRICTED);
      assert.match((await refusal.textContent()) ?? '', /Fine-tuning is disabled in Restricted Mode\. Trust this workspace/);
      await clearNotifications(page);

      // The same command from the Explorer's context menu on a dataset folder.
      await focusWorkbench(page);
      const row = await explorerRow(page, 'digits');
      await row.click({ button: 'right' });
      await chooseFromContextMenu(page, 'Fine-tune on this Dataset');
      await waitForNotification(page, `Fine-tuning is ${RESTRICTED}`);
      await clearNotifications(page);

      // Downloads from the model catalog.
      await runCommandSoon(page, 'Finetune: Open Model from Catalog…');
      await waitForNotification(page, `Downloading models is ${RESTRICTED}`);
      // The palette closed when the command ran; a catalog pick would reopen the quick input.
      assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no catalog pick may open');

      // The dashboard says why Start is off.
      let view = await dashboard(page);
      await view.locator('#status-line', { hasText: 'Restricted Mode: training is disabled until you trust this workspace.' }).waitFor();
      assert.equal(await view.locator('#start[disabled]').count(), 1, 'Start must be disabled');
      await screenshot(page, 'ui-7-restricted');

      assert.deepEqual(trainerProcesses(window.pgid), [], 'no trainer process may start in Restricted Mode');
      assert.deepEqual(runFolders(session.workspace), runsBefore, 'no run folder may appear in Restricted Mode');

      // Trust, through the action on our own warning, then the trust editor's button.
      await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
      const again = await waitForNotification(page, RESTRICTED);
      await again.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).first().click();
      const trustButton = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
      await trustButton.click();
      await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'detached' });

      // The same command now sets up the demo model and data; the dashboard drops its restriction.
      await runCommandSoon(page, 'Finetune: Fine-tune the Demo');
      view = await dashboard(page);
      await view.locator('#health-summary', { hasText: 'classes' }).waitFor({ timeout: 120_000 });
      await view.locator('#start:not([disabled])').waitFor({ state: 'attached' });
      const status = (await view.locator('#status-line').textContent()) ?? '';
      assert.doesNotMatch(status, /Restricted Mode/);
    } finally {
      await window.close();
    }
  }, { timeout: 300_000 });
});
