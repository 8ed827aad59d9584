// The grid as a user types it, on the CLI (`--cuts`, `--train`) and in the
// *Sweep Cut Points…* input boxes alike. Pure; errors are values, so each side
// reports them its own way (a usage error, an input box's validation message).
import type { TrainPlan } from './trainSpec';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `auto` or layer names separated by commas (an empty list is an empty grid, reported by the engine). */
export function parseCuts(text: string): Parsed<string[] | 'auto'> {
  const trimmed = text.trim();
  if (trimmed === 'auto') return { ok: true, value: 'auto' };
  return { ok: true, value: trimmed.split(',').map((s) => s.trim()).filter(Boolean) };
}

/** Plans separated by commas: `head`, `all`, `top:K`, or layer names joined with `+`. */
export function parsePlans(text: string): Parsed<TrainPlan[]> {
  const plans: TrainPlan[] = [];
  for (const token of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (token === 'head' || token === 'all' || /^top:\d{1,4}$/.test(token)) plans.push(token);
    else if (token.startsWith('top:')) return { ok: false, error: `${token}: expected top:K with K a whole number` };
    else plans.push(token.split('+').map((s) => s.trim()).filter(Boolean));
  }
  return { ok: true, value: plans };
}

/** How many seeds per candidate: a whole number up to 100 (0 is an empty grid). */
export function parseSeedCount(text: string): Parsed<number> {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100) return { ok: false, error: `${text.trim() || '(empty)'}: expected a whole number up to 100` };
  return { ok: true, value: n };
}

/** Seeds 42, 43, …: the first is a single run's default seed, so a 1-seed member reproduces that run. */
export function seedList(count: number): number[] {
  return Array.from({ length: count }, (_, i) => 42 + i);
}
