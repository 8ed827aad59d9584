// The Debian packages the harness needs, checked by the files they install so
// that the check also works where dpkg is absent. A missing one fails setup
// with a single line that can be pasted into apt-get.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromiumPath, ripgrepPath } from './paths.mjs';

const onPath = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const anyFile = (...files) => () => files.some((f) => existsSync(f));

/** Debian package → how to tell it is there. Headers are for code-server's native modules. */
export const requirements = [
  ['chromium', anyFile(chromiumPath)],
  ['ripgrep', anyFile(ripgrepPath)],
  ['libkrb5-dev', anyFile('/usr/include/krb5.h', '/usr/include/gssapi/gssapi.h')],
  ['libx11-dev', anyFile('/usr/include/X11/Xlib.h')],
  ['libxkbfile-dev', anyFile('/usr/include/X11/extensions/XKBfile.h')],
  ['libsecret-1-dev', anyFile('/usr/include/libsecret-1/libsecret/secret.h')],
  ['pkg-config', () => onPath('pkg-config')],
  ['build-essential', () => onPath('make') && onPath('g++')],
  ['python3', () => onPath('python3')],
];

/** @returns {string[]} the Debian packages that are missing, in apt-get order */
export function missingPackages() {
  return requirements.filter(([, present]) => !present()).map(([pkg]) => pkg);
}

/** One line a person can act on, or undefined when nothing is missing. */
export function missingPackagesMessage(missing = missingPackages()) {
  if (missing.length === 0) return undefined;
  return `E2E setup: missing Debian packages: ${missing.join(' ')} (run: apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')})`;
}
