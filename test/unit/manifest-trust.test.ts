// Workspace Trust in the manifest: the extension runs in Restricted Mode with
// limited support, and every setting that names a path (free-form strings) or
// that makes the trainer load native code (the backend) is restricted, so a
// workspace's own settings.json cannot point them elsewhere before it is trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Setting {
  type: string;
  enum?: string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const settings: Record<string, Setting> = manifest.contributes.configuration.properties;
const untrusted = manifest.capabilities.untrustedWorkspaces;

test('Restricted Mode is supported in part, with a description of what is off', () => {
  assert.equal(untrusted.supported, 'limited');
  assert.match(untrusted.description, /Training and downloads are disabled/);
});

test('every free-form string setting (a path or URL) and the backend are restricted; nothing else is', () => {
  const freeForm = Object.entries(settings).filter(([, s]) => s.type === 'string' && !s.enum).map(([name]) => name);
  assert.ok(freeForm.includes('finetune.runsFolder'), 'the runs folder is a free-form path');
  const expected = [...freeForm, 'finetune.backend'].sort();
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), expected);
  for (const name of untrusted.restrictedConfigurations) assert.ok(settings[name], `${name} is not a contributed setting`);
});
