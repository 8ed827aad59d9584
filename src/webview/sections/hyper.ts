// Section: hyperparameters. Each number field is checked as the user types,
// against the same limits the host's schema uses (shared/hyperFields.ts); the
// message sits under the field, in plain words, and stays while the value is
// invalid. Only valid values are sent (on commit: Enter or leaving the field),
// and nothing is ever rounded. Native inputs with <label for>, so a screen
// reader announces each field by name and its message with it.
import type { DashboardState, Hyperparameters, SuggestionView } from '../../shared/protocol/webview';
import { AUTO, HYPER_LABELS, NUMBER_FIELDS, OPTIMIZERS, checkField, plainNumber, type NumberKey } from '../../shared/hyperFields';
import { autoText } from './autoText';
import { el, setText } from '../dom';
import { send } from '../host';

type Row = { kind: 'number'; key: NumberKey } | { kind: 'optimizer' } | { kind: 'batchNorm' } | { kind: 'boolean'; key: 'twoPhase' | 'augment'; label: string };

const ROWS: Row[] = [
  { kind: 'optimizer' },
  { kind: 'number', key: 'learningRate' },
  { kind: 'number', key: 'batchSize' },
  { kind: 'number', key: 'epochs' },
  { kind: 'number', key: 'validationSplit' },
  { kind: 'number', key: 'earlyStoppingPatience' },
  { kind: 'number', key: 'dropout' },
  { kind: 'batchNorm' },
  { kind: 'boolean', key: 'twoPhase', label: 'Two phases: head first, then the plan' },
  { kind: 'number', key: 'headEpochs' },
  { kind: 'number', key: 'lrMultiplier' },
  { kind: 'boolean', key: 'augment', label: 'Augmentation (turns the feature cache off)' },
  { kind: 'number', key: 'seed' },
];

interface NumberInput {
  input: HTMLInputElement;
  error: HTMLElement;
  /** What Auto will mean, under a field that may be Auto. */
  auto: HTMLElement | null;
  /** The host's value last shown, to tell a new host value from a re-render. */
  shown: number | typeof AUTO | undefined;
  /** The user's invalid text and why; kept on screen (not replaced by the host's value) until fixed. */
  problem: string | null;
}

export class HyperSection {
  readonly root = el('section', { id: 'hyper-section', class: 'card', 'aria-labelledby': 'hyper-heading' });
  private readonly numbers = new Map<NumberKey, NumberInput>();
  private readonly optimizer = el('select', { id: 'hyper-optimizer' }, ...OPTIMIZERS.map((o) => el('option', { value: o }, o)));
  private readonly batchNorm = el(
    'select',
    { id: 'hyper-batchNormMode' },
    el('option', { value: 'inference' }, 'Moving statistics (inference mode)'),
    el('option', { value: 'batch' }, "Each batch's statistics"),
  );
  private readonly booleans = new Map<'twoPhase' | 'augment', HTMLInputElement>();
  private readonly suggestion = el('div', { id: 'suggestion', class: 'suggestion', hidden: true, role: 'status' });
  private hyper: Hyperparameters | null = null;

  /** `onValidity` hears whenever a field becomes valid or invalid, so the action bar can say why Start is off. */
  constructor(private readonly onValidity: () => void) {
    const grid = el('div', { class: 'grid' });
    for (const row of ROWS) grid.append(this.make(row));
    this.optimizer.addEventListener('change', () => this.commit({ optimizer: this.optimizer.value as Hyperparameters['optimizer'] }));
    this.batchNorm.addEventListener('change', () => this.commit({ batchNormMode: this.batchNorm.value as Hyperparameters['batchNormMode'] }));
    this.root.append(el('h2', { id: 'hyper-heading' }, 'Hyperparameters'), this.suggestion, grid);
  }

  private make(row: Row): HTMLElement {
    if (row.kind === 'optimizer') return el('div', { class: 'field' }, el('label', { for: 'hyper-optimizer' }, HYPER_LABELS.optimizer), this.optimizer);
    if (row.kind === 'batchNorm') return el('div', { class: 'field' }, el('label', { for: 'hyper-batchNormMode' }, 'Trainable BatchNormalization uses'), this.batchNorm);
    if (row.kind === 'boolean') {
      const box = el('input', { type: 'checkbox', id: `hyper-${row.key}` });
      box.addEventListener('change', () => this.commit({ [row.key]: box.checked }));
      this.booleans.set(row.key, box);
      return el('div', { class: 'field check' }, box, el('label', { for: `hyper-${row.key}` }, row.label));
    }
    const id = `hyper-${row.key}`;
    const spec = NUMBER_FIELDS[row.key];
    const auto = 'auto' in spec ? el('p', { id: `${id}-auto`, class: 'field-hint' }) : null;
    // An Auto field is empty, with "Auto" as its placeholder; clearing it (or typing auto) gives it back to the rule.
    const input = el('input', { id, type: 'text', inputmode: spec.kind === 'integer' ? 'numeric' : 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': auto ? `${id}-error ${id}-auto` : `${id}-error`, 'aria-invalid': 'false', ...(auto ? { placeholder: 'Auto' } : {}) });
    const error = el('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    const field: NumberInput = { input, error, auto, shown: undefined, problem: null };
    this.numbers.set(row.key, field);
    input.addEventListener('input', () => this.check(row.key, field));
    input.addEventListener('change', () => {
      const result = this.check(row.key, field);
      if (result !== null && result !== this.hyper?.[row.key]) this.commit({ [row.key]: result });
    });
    return el('div', { class: 'field' }, el('label', { for: id }, spec.label), input, error, ...(auto ? [auto] : []));
  }

  /** Checks one field as typed; shows or clears its message. Returns the valid value, or null. */
  private check(key: NumberKey, field: NumberInput): number | typeof AUTO | null {
    const result = checkField(key, field.input.value);
    const problem = result.ok ? null : result.message;
    if (problem !== field.problem) {
      field.problem = problem;
      setText(field.error, problem ?? '');
      field.error.hidden = problem === null;
      field.input.setAttribute('aria-invalid', String(problem !== null));
      field.input.classList.toggle('invalid', problem !== null);
      this.onValidity();
    }
    return result.ok ? result.value : null;
  }

  private commit(values: Partial<Hyperparameters>): void {
    send({ type: 'setHyper', values });
  }

  /** The first invalid field's message, for the action bar; null when every field is valid. */
  problem(): string | null {
    for (const field of this.numbers.values()) if (field.problem) return field.problem;
    return null;
  }

  render(state: DashboardState): void {
    const locked = ['starting', 'running', 'stopping'].includes(state.run.phase);
    this.hyper = state.hyper;
    let validityChanged = false;
    for (const [key, field] of this.numbers) {
      field.input.disabled = locked;
      if (field.auto) setText(field.auto, autoText(key, state));
      const value = state.hyper[key];
      const changed = value !== field.shown;
      field.shown = value;
      // The host's new value (a suggestion taken, a rejected edit) replaces an invalid draft;
      // a re-render for something else leaves the user's text and its message alone.
      if (!changed && (field.problem || field.input === document.activeElement)) continue;
      const text = value === AUTO ? '' : String(value);
      if (field.input.value !== text) field.input.value = text;
      if (field.problem) {
        field.problem = null;
        setText(field.error, '');
        field.error.hidden = true;
        field.input.setAttribute('aria-invalid', 'false');
        field.input.classList.remove('invalid');
        validityChanged = true;
      }
    }
    this.optimizer.disabled = locked;
    if (this.optimizer.value !== state.hyper.optimizer) this.optimizer.value = state.hyper.optimizer;
    this.batchNorm.disabled = locked;
    if (this.batchNorm.value !== state.hyper.batchNormMode) this.batchNorm.value = state.hyper.batchNormMode;
    for (const [key, box] of this.booleans) {
      box.disabled = locked;
      box.checked = state.hyper[key];
    }
    this.renderSuggestion(state.suggestion, locked);
    if (validityChanged) this.onValidity();
  }

  private renderSuggestion(s: SuggestionView | null, locked: boolean): void {
    this.suggestion.hidden = s === null;
    if (!s) return this.suggestion.replaceChildren();
    const list = s.changes.map((c) => `${HYPER_LABELS[c.key as keyof typeof HYPER_LABELS] ?? c.key} ${show(c.suggested)} (yours: ${show(c.yours)})`).join(', ');
    const use = el('vscode-button', { id: 'use-suggested', appearance: 'secondary', disabled: locked }, "Use the model's suggested settings");
    use.addEventListener('click', () => send({ type: 'useSuggested' }));
    this.suggestion.replaceChildren(el('p', {}, `Your edits were kept. ${capitalize(s.source)} suggests ${list}.`), use);
  }
}

const show = (text: string) => (/^-?[\d.e+-]+$/i.test(text) && Number.isFinite(Number(text)) ? plainNumber(Number(text)) : text);
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
