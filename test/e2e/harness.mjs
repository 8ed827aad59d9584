// The API scenario files use. A scenario file is test/e2e/scenarios/<name>.test.mjs;
// it calls describe()/scenario() from here at the top level, and the suite
// (suite.mjs) runs it against the one code-server + Chromium of the run.
//
//   import { describe, scenario, runCommand, webviewFrame } from '../harness.mjs';
//   describe('dashboard', () => {
//     scenario('opens from the palette', async ({ page }) => {
//       await runCommand(page, 'Finetune: Show Dashboard');
//       const view = await webviewFrame(page);
//       await view.getByText('Finetune Studio').waitFor();
//     });
//   });
import { test } from 'node:test';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from './lib/paths.mjs';
import { session } from './lib/session.mjs';
import { screenshot } from './lib/workbench.mjs';
import { EXTENSION_HOST_LOG, outputChannelLog, readLogs, waitForLog } from './lib/logs.mjs';

export { describe, test } from 'node:test';
export { session } from './lib/session.mjs';
export * from './lib/workbench.mjs';
export { EXTENSION_HOST_LOG, outputChannelLog } from './lib/logs.mjs';

/** The extension's id in code-server (publisher.name from package.json). */
export const EXTENSION_ID = 'finetune-studio.finetune-studio';

/**
 * A test that gets `{ page, session, t }` and, when it fails, leaves a
 * screenshot and the server log in test/e2e/artifacts/failures/.
 */
export function scenario(name, fn, { timeout = 120_000 } = {}) {
  return test(name, { timeout }, async (t) => {
    const s = session();
    try {
      await fn({ page: s.page, session: s, t });
    } catch (error) {
      const slug = t.fullName ?? name;
      const dir = join(artifactsDir, 'failures');
      mkdirSync(dir, { recursive: true });
      await screenshot(s.page, join('failures', slug)).catch(() => {});
      const serverLog = join(artifactsDir, 'server.log');
      if (existsSync(serverLog)) copyFileSync(serverLog, join(dir, `${slug.replace(/[^\w.-]+/g, '-')}.server.log`));
      // Close whatever the failure left open (a menu, the palette) so the
      // next scenario does not fail on it too.
      for (let i = 0; i < 3; i++) await s.page.keyboard.press('Escape').catch(() => {});
      throw error;
    }
  });
}

/** Text the extension host logged so far (activation lines, extension errors). */
export function extensionHostLog() {
  return readLogs(session().userDataDir, EXTENSION_HOST_LOG);
}

/** Waits until our "Finetune Studio" output channel contains `pattern`. */
export function waitForOutput(pattern, options) {
  return waitForLog(session().userDataDir, outputChannelLog('Finetune Studio'), pattern, options);
}

/** Waits until the extension host log contains `pattern`. */
export function waitForExtensionHostLog(pattern, options) {
  return waitForLog(session().userDataDir, EXTENSION_HOST_LOG, pattern, options);
}
