// Number, count and shape formatting for every UI surface: the trees and the
// status bar in the host, and the dashboard in the webview. Pure functions,
// so both sides (and their tests) read the same text.

/** `[?, 26, 26, 32]`-style text; several outputs are joined with a space. */
export function shapeText(shape: (number | null)[] | (number | null)[][]): string {
  if (shape.length > 0 && Array.isArray(shape[0])) return (shape as (number | null)[][]).map(one).join(' ');
  return one(shape as (number | null)[]);
}

function one(shape: (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** 1234567 → `1,234,567`. */
export function fullCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 1234567 → `1.23M`, 12345 → `12.3k`, 999 → `999`. */
export function shortCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toPrecision(3)}k`;
  return String(Math.round(n));
}

/** `1 layer`, `3 layers`: the noun follows the number. */
export function counted(n: number, noun: string): string {
  return `${fullCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** 83000 → `1m 23s`; null or non-finite → `–`. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–';
}

/** 0.000321987 → `3.2e-4`: two significant digits in exponent form, as learning rates and update ratios are read. */
export function shortExp(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1).replace('e+', 'e') : String(x);
}

/** A rate as shortExp shows it, as a number: the LR finder applies its suggestion as shown ("Use 3.2e-4" sets 0.00032, not 0.000321987…). */
export function shownRate(lr: number): number {
  return Number(shortExp(lr));
}

/**
 * The WebGPU adapter in one phrase: `nvidia ampere rtx-3080 (NVIDIA GeForce RTX 3080)`,
 * with `, software` for llvmpipe or SwiftShader. Dawn leaves fields it does not know empty.
 */
export function adapterText(adapter: { vendor: string; architecture: string; device: string; description: string; software: boolean }): string {
  const name = [adapter.vendor, adapter.architecture, adapter.device].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name}${adapter.description ? ` (${adapter.description})` : ''}${adapter.software ? ', software' : ''}`;
}
