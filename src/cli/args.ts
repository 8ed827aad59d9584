import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { TrainChoice } from '../shared/trainSpec';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parse<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

export function requireString(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number, got "${value}"`);
  return n;
}

/** `head`, `all`, `top:K`, the presets `fine-tune` and `gradual`, or a comma-separated list of layer names. */
export function parsePlan(value: string | undefined): TrainChoice | undefined {
  if (value === undefined) return undefined;
  if (value === 'head' || value === 'all' || value === 'fine-tune' || value === 'gradual') return value;
  if (/^top:\d{1,4}$/.test(value)) return value;
  if (value.startsWith('top:')) throw new UsageError(`--train ${value}: expected top:K with K a whole number`);
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--train expects head, all, top:K, fine-tune, gradual or layer names separated by commas');
  return names;
}
