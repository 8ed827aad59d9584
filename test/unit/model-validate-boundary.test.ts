// Validation runs before tfjs sees anything: validate.ts and every module it
// imports, transitively, import neither tfjs nor the engine's tf.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const specs = importsOf(file);
    seen.set(file, specs);
    for (const s of specs) {
      const target = join(dirname(file), `${s}.ts`);
      // Comments may quote imports (tf.ts does); only real files are followed.
      if (s.startsWith('.') && existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

test('the validator imports no tfjs, directly or transitively', () => {
  const files = closure('src/engine/model/validate.ts');
  assert.ok(files.size >= 6, `walked ${[...files.keys()].join(', ')}`);
  const offenders = [...files].flatMap(([file, specs]) =>
    specs.filter((s) => s.startsWith('@tensorflow/') || (s.startsWith('.') && /(^|\/)tf$/.test(s))).map((s) => `${relative('.', file)} imports ${s}`),
  );
  assert.deepEqual(offenders, []);
});

test('the check sees tf.ts when it is imported (it can fail)', () => {
  const files = closure('src/engine/model/load.ts');
  assert.ok([...files.values()].some((specs) => specs.includes('../tf')));
});
