// The dashboard's hyperparameter fields: label, kind and allowed range, in one
// place. The protocol's schema is built from these limits, and the page checks
// what the user types against them as they type, with a message in plain words
// ("Epochs must be a whole number from 1 to 10,000"). A value is never rounded:
// 2.7 in an integer field is an error, not 3. Pure: no vscode, tfjs or DOM.

export type NumberKind = 'integer' | 'number';

export interface NumberField {
  kind: NumberKind;
  label: string;
  min: number;
  max: number;
  /** Shown after the range, e.g. "0 turns it off". */
  hint?: string;
  /** The field may be left to the engine: empty or "auto" means `auto` (the run spec leaves it out). */
  auto?: true;
}

export const NUMBER_FIELDS = {
  learningRate: { kind: 'number', label: 'Learning rate', min: 1e-8, max: 10, hint: 'e.g. 0.001' },
  batchSize: { kind: 'integer', label: 'Batch size', min: 1, max: 4096 },
  epochs: { kind: 'integer', label: 'Epochs', min: 1, max: 10_000, auto: true },
  validationSplit: { kind: 'number', label: 'Validation split', min: 0.05, max: 0.9, hint: 'the share of each class held out' },
  earlyStoppingPatience: { kind: 'integer', label: 'Early stopping patience', min: 0, max: 1000, hint: '0 turns it off', auto: true },
  dropout: { kind: 'number', label: 'Head dropout', min: 0, max: 0.95 },
  headEpochs: { kind: 'integer', label: 'Head-only epochs', min: 1, max: 1000 },
  lrMultiplier: { kind: 'number', label: 'Phase-2 learning-rate multiplier', min: 1e-4, max: 1 },
  seed: { kind: 'integer', label: 'Seed', min: 0, max: 2 ** 31 - 1 },
} as const satisfies Record<string, NumberField>;

export type NumberKey = keyof typeof NUMBER_FIELDS;

/** The fields that may be `auto` (see NumberField.auto). */
export type AutoKey = { [K in NumberKey]: (typeof NUMBER_FIELDS)[K] extends { auto: true } ? K : never }[NumberKey];

/** `auto`: the engine's budget rule decides (shared/budget.ts). */
export const AUTO = 'auto';

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;

/** Every hyperparameter's label, for messages about any of them. */
export const HYPER_LABELS: Record<NumberKey | 'optimizer' | 'twoPhase' | 'augment', string> = {
  ...Object.fromEntries(Object.entries(NUMBER_FIELDS).map(([k, f]) => [k, f.label])),
  optimizer: 'Optimizer',
  twoPhase: 'Two phases',
  augment: 'Augmentation',
} as Record<NumberKey | 'optimizer' | 'twoPhase' | 'augment', string>;

/** 10000 → `10,000`; 1e-8 → `0.00000001`: limits written as a person reads them. */
export function plainNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumSignificantDigits: 6, maximumFractionDigits: 10 });
}

/** The rule a field's value must follow, as one sentence. */
export function fieldRule(key: NumberKey): string {
  const f: NumberField = NUMBER_FIELDS[key];
  const what = f.kind === 'integer' ? 'a whole number' : 'a number';
  const rule = `${f.label} must be ${what} from ${plainNumber(f.min)} to ${plainNumber(f.max)}`;
  return f.hint ? `${rule} (${f.hint})` : rule;
}

/** A decimal as people type it: digits, one point, an optional exponent. No hex, no `Infinity`, no spaces inside. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type FieldCheck = { ok: true; value: number | typeof AUTO } | { ok: false; message: string };

/** Checks what the user typed into a number field: the value to send, or why it is refused. An auto field takes empty or "auto" as `auto`. */
export function checkField(key: NumberKey, text: string): FieldCheck {
  const f: NumberField = NUMBER_FIELDS[key];
  const trimmed = text.trim();
  if (f.auto && (trimmed === '' || trimmed.toLowerCase() === AUTO)) return { ok: true, value: AUTO };
  if (trimmed === '') return { ok: false, message: `${fieldRule(key)}; the field is empty.` };
  if (!DECIMAL.test(trimmed)) return { ok: false, message: `${fieldRule(key)}; "${trimmed.slice(0, 20)}" is not a number.` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: `${fieldRule(key)}.` };
  if (f.kind === 'integer' && !Number.isInteger(value)) return { ok: false, message: `${fieldRule(key)}; ${trimmed} is not whole.` };
  if (value < f.min || value > f.max) return { ok: false, message: `${fieldRule(key)}.` };
  return { ok: true, value };
}
