// Section: hyperparameters. Each field sends its value on change; the host
// validates it (finite, in range) and answers with the state to show.
import type { DashboardState, Hyperparameters } from '../../shared/protocol/webview';
import { el } from '../dom';
import { send } from '../host';

type Field = HTMLElement & { value: string; checked?: boolean };

interface Spec {
  key: keyof Hyperparameters;
  label: string;
  kind: 'number' | 'integer' | 'select' | 'boolean';
  options?: string[];
}

const FIELDS: Spec[] = [
  { key: 'optimizer', label: 'Optimizer', kind: 'select', options: ['adam', 'sgd', 'rmsprop'] },
  { key: 'learningRate', label: 'Learning rate', kind: 'number' },
  { key: 'batchSize', label: 'Batch size', kind: 'integer' },
  { key: 'epochs', label: 'Epochs', kind: 'integer' },
  { key: 'validationSplit', label: 'Validation split', kind: 'number' },
  { key: 'earlyStoppingPatience', label: 'Early stopping patience (0 = off)', kind: 'integer' },
  { key: 'dropout', label: 'Head dropout', kind: 'number' },
  { key: 'twoPhase', label: 'Two phases: head first, then the plan', kind: 'boolean' },
  { key: 'headEpochs', label: 'Head-only epochs', kind: 'integer' },
  { key: 'lrMultiplier', label: 'Phase-2 learning-rate multiplier', kind: 'number' },
  { key: 'augment', label: 'Augmentation (turns the feature cache off)', kind: 'boolean' },
  { key: 'seed', label: 'Seed', kind: 'integer' },
];

export class HyperSection {
  readonly root = el('section', { id: 'hyper-section', class: 'card' });
  private readonly fields = new Map<keyof Hyperparameters, Field>();
  private syncing = false;

  constructor() {
    const grid = el('div', { class: 'grid' });
    for (const spec of FIELDS) {
      const field = this.make(spec);
      this.fields.set(spec.key, field);
      grid.append(spec.kind === 'boolean' ? field : el('label', { class: 'field' }, el('span', {}, spec.label), field));
    }
    this.root.append(el('h2', {}, 'Hyperparameters'), grid);
  }

  private make(spec: Spec): Field {
    const id = `hyper-${spec.key}`;
    let field: Field;
    if (spec.kind === 'select') {
      field = el('vscode-dropdown', { id }) as Field;
      for (const o of spec.options ?? []) field.append(el('vscode-option', { value: o }, o));
    } else if (spec.kind === 'boolean') {
      field = el('vscode-checkbox', { id }, spec.label) as Field;
    } else {
      field = el('vscode-text-field', { id, inputmode: 'decimal', size: 10 }) as Field;
    }
    field.addEventListener('change', () => {
      if (this.syncing) return;
      const value = read(spec, field);
      field.classList.toggle('invalid', value === undefined);
      if (value !== undefined) send({ type: 'setHyper', values: { [spec.key]: value } as Partial<Hyperparameters> });
    });
    return field;
  }

  render(state: DashboardState): void {
    const locked = ['starting', 'running', 'stopping'].includes(state.run.phase);
    this.syncing = true;
    for (const spec of FIELDS) {
      const field = this.fields.get(spec.key)!;
      field.toggleAttribute('disabled', locked);
      if (field === document.activeElement) continue; // do not overwrite what the user is typing
      const value = state.hyper[spec.key];
      if (spec.kind === 'boolean') field.checked = Boolean(value);
      else if (field.value !== String(value)) field.value = String(value);
      field.classList.remove('invalid');
    }
    this.syncing = false;
  }
}

/** The field's value as the protocol wants it, or undefined when it is not a number at all. */
function read(spec: Spec, field: Field): Hyperparameters[keyof Hyperparameters] | undefined {
  if (spec.kind === 'boolean') return Boolean(field.checked);
  if (spec.kind === 'select') return field.value as Hyperparameters['optimizer'];
  const n = Number(field.value.trim());
  if (!Number.isFinite(n) || field.value.trim() === '') return undefined;
  return spec.kind === 'integer' ? Math.round(n) : n;
}
