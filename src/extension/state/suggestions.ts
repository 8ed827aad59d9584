// A model's suggested settings against the user's own edits. Choosing a model
// never overwrites a field the user changed: the suggestion fills the fields
// the user left alone, and the rest is offered ("use the model's suggested
// settings") until the user takes it or edits again. Pure.
import type { Hyperparameters, SuggestionView } from '../../shared/protocol/webview';

export type HyperKey = keyof Hyperparameters;

export interface Suggestion {
  source: string;
  /** Suggested values that differ from the user's edits, waiting for the user's choice. */
  pending: Partial<Hyperparameters>;
}

/** Splits a model's suggestion into what applies at once (fields not edited) and what must be offered. */
export function splitSuggestion(current: Hyperparameters, edited: ReadonlySet<HyperKey>, suggested: Partial<Hyperparameters>): { apply: Partial<Hyperparameters>; offer: Partial<Hyperparameters> } {
  const apply: Record<string, unknown> = {};
  const offer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(suggested) as [HyperKey, Hyperparameters[HyperKey]][]) {
    if (value === undefined || value === current[key]) continue;
    if (edited.has(key)) offer[key] = value;
    else apply[key] = value;
  }
  return { apply: apply as Partial<Hyperparameters>, offer: offer as Partial<Hyperparameters> };
}

export function suggestionView(s: Suggestion | null, current: Hyperparameters): SuggestionView | null {
  if (!s) return null;
  const changes = (Object.entries(s.pending) as [HyperKey, Hyperparameters[HyperKey]][])
    .filter(([key, value]) => current[key] !== value)
    .map(([key, value]) => ({ key, yours: String(current[key]), suggested: String(value) }));
  return changes.length > 0 ? { source: s.source, changes } : null;
}
