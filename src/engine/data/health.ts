// The health report: counts, imbalance, skipped files, cross-split duplicates
// and the warnings a user should read before training.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ClassCount, HealthReport, SkippedFile } from '../../shared/health';

export type SplitName = 'train' | 'validation' | 'test';

export interface SizedFile {
  abs: string;
  rel: string;
  size: number;
  split: SplitName;
}

/** Below this size a file is hashed from one read: a stream costs more than the bytes. */
const SMALL_FILE = 1 << 20;

export async function sha1File(path: string, size: number): Promise<string> {
  if (size <= SMALL_FILE) return createHash('sha1').update(await readFile(path)).digest('hex');
  return new Promise((resolve, reject) => {
    const hash = createHash('sha1');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Identical files in more than one split. Hashing every file would read the
 * whole dataset during the scan, so only files whose byte size also occurs in
 * another split are hashed: for real photos that is almost none, and for tiny
 * images (like the demo's digits) the files are small anyway.
 */
export async function crossSplitDuplicates(files: SizedFile[]): Promise<{ hash: string; files: string[] }[]> {
  const bySize = new Map<number, SizedFile[]>();
  for (const f of files) {
    const group = bySize.get(f.size);
    if (group) group.push(f);
    else bySize.set(f.size, [f]);
  }
  const candidates = [...bySize.values()].filter((g) => new Set(g.map((f) => f.split)).size > 1).flat();
  const hashes = await mapLimit(candidates, 8, (f) => sha1File(f.abs, f.size).catch(() => null));
  const byHash = new Map<string, SizedFile[]>();
  candidates.forEach((f, i) => {
    const h = hashes[i];
    if (h === null) return; // vanished since the scan; decode will report it
    const group = byHash.get(h);
    if (group) group.push(f);
    else byHash.set(h, [f]);
  });
  return [...byHash.entries()]
    .filter(([, g]) => new Set(g.map((f) => f.split)).size > 1)
    .map(([hash, g]) => ({ hash, files: g.map((f) => f.rel).sort() }))
    .sort((a, b) => (a.files[0] < b.files[0] ? -1 : 1));
}

export interface HealthInput {
  root: string;
  layout: HealthReport['layout'];
  classes: ClassCount[];
  skipped: SkippedFile[];
  duplicates: HealthReport['crossSplitDuplicates'];
  /** Warnings found while scanning (ignored folders, nested folders, …). */
  notes: string[];
  /** The layout has its own validation/ folder (else validation images are split off train). */
  hasValidationFolder: boolean;
}

/** Ratio above which the report warns about imbalance. */
const IMBALANCE_WARNING = 3;

export function buildHealthReport(input: HealthInput): HealthReport {
  const totals = input.classes.map((c) => c.train + c.validation + c.test);
  const largest = Math.max(...totals);
  const smallest = Math.min(...totals);
  const imbalanceRatio = smallest > 0 ? largest / smallest : Infinity;
  const tooSmall = input.classes.filter((_, i) => totals[i] < 2).map((c) => c.name);
  const warnings = [...input.notes];
  if (imbalanceRatio > IMBALANCE_WARNING) {
    const big = input.classes[totals.indexOf(largest)].name;
    const small = input.classes[totals.indexOf(smallest)].name;
    warnings.push(`classes are imbalanced ${imbalanceRatio.toFixed(1)}:1 ('${big}' ${largest} images, '${small}' ${smallest}); consider class weights`);
  }
  if (tooSmall.length) warnings.push(`fewer than 2 images in: ${tooSmall.map((n) => `'${n}'`).join(', ')}`);
  if (input.skipped.length) warnings.push(`${input.skipped.length} file(s) skipped; see the list of skipped files`);
  if (input.duplicates.length) {
    warnings.push(`${input.duplicates.length} image(s) appear in more than one split (same content), which inflates validation scores`);
  }
  return {
    root: input.root,
    layout: input.layout,
    classes: input.classes,
    imbalanceRatio,
    skipped: input.skipped,
    crossSplitDuplicates: input.duplicates,
    tooSmall,
    warnings,
    errors: classErrors(input),
  };
}

/** A class the run cannot learn or measure: fewer than 2 training images, or no validation image. Each says how to fix it. */
function classErrors(input: HealthInput): string[] {
  const split = input.layout === 'splitFolders';
  const errors: string[] = [];
  for (const c of input.classes) {
    const folder = split ? `train/${c.name}/` : `${c.name}/`;
    if (c.train < 2) {
      errors.push(`class '${c.name}' has ${c.train} training image${c.train === 1 ? '' : 's'}; at least 2 are needed. Add images to ${folder} or remove that folder.`);
    } else if (c.validation === 0) {
      errors.push(
        input.hasValidationFolder
          ? `class '${c.name}' has no validation images, so its accuracy cannot be measured. Add images to validation/${c.name}/.`
          : `class '${c.name}' has no validation images, so its accuracy cannot be measured. Add images to ${folder} or raise the validation split.`,
      );
    }
  }
  return errors;
}
