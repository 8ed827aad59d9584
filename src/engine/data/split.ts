// Seeded, stratified train/validation split: each class is split on its own,
// so every class keeps (about) the same share in validation.
import { Rng } from '../util/rng';

/** FNV-1a of the text, mixed with the seed: each class gets its own stream. */
function classSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** How many of a class's `n` items go to validation: at least 1 and at most n-1 once n ≥ 2, so both sides see the class. */
export function validationCount(n: number, fraction: number): number {
  if (n < 2 || fraction <= 0) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

/**
 * Splits each class's items. Items should arrive in a stable order (the scan
 * sorts by path). Each class draws from its own generator seeded by (seed,
 * class name), so adding or removing a class does not reshuffle the others.
 */
export function stratifiedSplit<T>(
  byClass: Map<string, T[]>,
  fraction: number,
  seed: number,
): { train: Map<string, T[]>; validation: Map<string, T[]> } {
  const train = new Map<string, T[]>();
  const validation = new Map<string, T[]>();
  for (const [name, items] of byClass) {
    const order = new Rng(classSeed(seed, name)).shuffle(items.map((_, i) => i));
    const nVal = validationCount(items.length, fraction);
    const valIdx = new Set(order.slice(0, nVal));
    // Keep the input order on each side: shuffling for training is the trainer's job.
    validation.set(name, items.filter((_, i) => valIdx.has(i)));
    train.set(name, items.filter((_, i) => !valIdx.has(i)));
  }
  return { train, validation };
}
