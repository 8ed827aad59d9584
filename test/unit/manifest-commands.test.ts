// Every command the manifest contributes is registered by the extension and
// listed in the README's command table; every menu entry names a contributed
// command. A command added to one place and forgotten in another fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Command {
  command: string;
  title: string;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const commands: Command[] = manifest.contributes.commands;
const ids = new Set(commands.map((c) => c.command));

function sources(dir: string): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

test('every contributed command is registered by the extension', () => {
  const code = sources('src/extension');
  const missing = [...ids].filter((id) => !code.includes(`'${id}'`));
  assert.deepEqual(missing, [], 'commands without a handler in src/extension');
});

test('every contributed command is in the README command table', () => {
  const readme = readFileSync('README.md', 'utf8');
  const missing = commands.filter((c) => !readme.includes(c.title)).map((c) => `${c.command} (${c.title})`);
  assert.deepEqual(missing, []);
});

test('every menu entry names a contributed command', () => {
  const menus: Record<string, { command?: string }[]> = manifest.contributes.menus;
  const unknown = Object.entries(menus).flatMap(([menu, entries]) => entries.filter((e) => e.command && !ids.has(e.command)).map((e) => `${menu}: ${e.command}`));
  assert.deepEqual(unknown, []);
});

test("the Explorer's Open in Finetune Studio is offered on model.json and on Keras files, not on other files", () => {
  const entry = manifest.contributes.menus['explorer/context'].find((e: { command: string }) => e.command === 'finetune.openModelFile');
  const regex = /resourceExtname =~ \/(.+)\/i/.exec(entry.when)?.[1];
  assert.ok(regex, entry.when);
  assert.match(entry.when, /resourceFilename == model\.json/);
  const matches = (ext: string) => new RegExp(regex, 'i').test(ext);
  assert.deepEqual(['.keras', '.h5', '.hdf5', '.H5'].map(matches), [true, true, true, true]);
  assert.deepEqual(['.json', '.pt', '.png', '.keras.bak'].map(matches), [false, false, false, false]);
});
