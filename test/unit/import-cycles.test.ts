// No import cycles anywhere in src/: a module graph with a cycle has no
// order in which each file can be understood (or initialised) on its own.
// The Layers and Graph orchestrators once imported each other; this keeps
// any such pair from coming back. Type-only imports count too: a cycle of
// types is still two files that cannot be read apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of `file`, resolved to .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers
    .map((s) => resolve(dirname(file), s))
    .map((p) => [`${p}.ts`, join(p, 'index.ts')].find((c) => existsSync(c)))
    .filter((p): p is string => p !== undefined);
}

/** Every cycle found by a depth-first search, as a list of files (first = last). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'active');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'active') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

function cyclesIn(folders: string[]): string[] {
  const graph = new Map(folders.flatMap((d) => files(join(SRC, d))).map((f) => [f, importsOf(f)]));
  assert.ok(graph.size > 10, `found only ${graph.size} files`);
  return cycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '));
}

test('the engine, trainer, CLI, shared protocol and webview have no import cycles', () => {
  assert.deepEqual(cyclesIn(['engine', 'trainer', 'cli', 'shared', 'webview']), []);
});

// Reported by node:test without failing the run, until the host store and the dashboard's view of it are untangled.
test('the extension host has no import cycles', { todo: 'extension/state/store.ts ↔ dashboardView.ts (type import back to the store)' }, () => {
  assert.deepEqual(cyclesIn(['extension', 'shared']), []);
});

test('the cycle check itself finds a cycle', () => {
  const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c', 'a']]);
});
