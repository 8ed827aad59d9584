// Where one E2E run keeps its files. Kept apart from session.mjs so that
// run.mjs can use it without installing the suite's signal handlers.
import { join } from 'node:path';

/** The folders of one run, under a temporary `home` that run.mjs creates and removes. */
export function homeLayout(home) {
  return {
    home,
    extensionsDir: join(home, 'exts'),
    userDataDir: join(home, 'ud'),
    workspace: join(home, 'workspace'),
    // code-server (config.yaml, state) and Chromium write under the XDG folders:
    // point them into the run's folder so the machine's ~/.config is untouched.
    env: {
      XDG_CONFIG_HOME: join(home, 'xdg', 'config'),
      XDG_DATA_HOME: join(home, 'xdg', 'data'),
      XDG_CACHE_HOME: join(home, 'xdg', 'cache'),
    },
  };
}
