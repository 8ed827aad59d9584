// The design's import rules, checked on every test run: the engine and the
// shared protocols never import vscode, and shared imports no tfjs and no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return found;
}

function offenders(dir: string, banned: RegExp): string[] {
  return sources(dir).flatMap((file) => importsOf(file).filter((m) => banned.test(m)).map((m) => `${file} imports ${m}`));
}

test('src/engine never imports vscode', () => {
  assert.deepEqual(offenders('src/engine', /^vscode$/), []);
});

test('src/shared imports no vscode, no tfjs, no sharp and no DOM toolkit', () => {
  assert.deepEqual(offenders('src/shared', /^(vscode|@tensorflow\/.*|sharp|@vscode\/webview-ui-toolkit)$/), []);
  const domUse = sources('src/shared').filter((f) => /\b(document|window)\./.test(readFileSync(f, 'utf8')));
  assert.deepEqual(domUse, []);
});

test('the boundary check itself detects an offending import', () => {
  // Guards against a check that cannot fail: the same matcher must see a real import.
  const sample = "import * as vscode from 'vscode';\nconst x = require('vscode');";
  const found = [...sample.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.deepEqual(found, ['vscode', 'vscode']);
});
