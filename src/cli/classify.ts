import { resolve } from 'node:path';
import { classifyImages } from '../engine/classify';
import { readModelLabels } from '../engine/model/folderFacts';
import { optionalNumber, parse, requireString } from './args';
import { UsageError } from './errors';

export async function classifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { model: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' } }, true);
  const dir = resolve(requireString(values.model, '--model'));
  if (positionals.length === 0) throw new UsageError('classify needs at least one image path');
  const top = optionalNumber(values.top, '--top') ?? 3;
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top ${values.top}: expected a whole number ≥ 1`);
  if (!readModelLabels(dir)) {
    process.stderr.write(`${dir}: no labels (no labels.json, no Teachable Machine metadata.json); showing class indices\n`);
  }
  const results = await classifyImages(dir, positionals, top);
  if (values.json) {
    process.stdout.write(JSON.stringify(results) + '\n');
  } else {
    for (const r of results) {
      if (r.error) {
        process.stdout.write(`${r.file}: skipped (${r.error})\n`);
        continue;
      }
      process.stdout.write(`${r.file}\n`);
      for (const t of r.top) process.stdout.write(`  ${(t.label ?? `class ${t.index}`).padEnd(20)} ${(t.probability * 100).toFixed(1).padStart(5)}%\n`);
    }
  }
  return results.some((r) => r.error) ? 1 : 0;
}
