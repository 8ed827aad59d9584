// How a run ended, as one record both the dashboard and the Runs view read,
// so they never disagree. The trainer writes it into the run folder as
// `outcome.json`; the host reads it back for the Runs view. Pure: no vscode,
// no tfjs, no DOM.
import type { RunResult } from './events';
import { percent } from './format';

export type RunOutcomeStatus = 'completed' | 'stopped' | 'failed';

export interface RunOutcome {
  status: RunOutcomeStatus;
  /** Epochs finished. */
  epochs: number;
  /** Validation accuracy of the saved model; null when nothing was saved. */
  valAccuracy: number | null;
  /** The epoch whose weights were kept (0 when none finished); null when nothing was saved. */
  bestEpoch: number | null;
  /** A failure's one-line reason. */
  message?: string;
}

/** The outcome of a run that returned a result (completed, early-stopped, or stopped at a batch boundary). */
export function outcomeOf(result: RunResult): RunOutcome {
  return {
    status: result.stopReason === 'cancelled' ? 'stopped' : 'completed',
    epochs: result.epochs,
    valAccuracy: result.valAccuracy,
    bestEpoch: result.bestEpoch,
  };
}

/** A run that ended before any model was saved: a Stop, or a failure with its reason. */
export function unsavedOutcome(status: 'stopped' | 'failed', message?: string, epochs = 0): RunOutcome {
  return { status, epochs, valAccuracy: null, bestEpoch: null, ...(message ? { message } : {}) };
}

/** The file name inside a run folder. */
export const OUTCOME_FILE = 'outcome.json';

/** Reads outcome.json's text; anything malformed is null (the folder is then judged by its files). */
export function parseOutcome(text: string): RunOutcome | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (r.status !== 'completed' && r.status !== 'stopped' && r.status !== 'failed') return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    status: r.status,
    epochs: Math.max(0, Math.floor(num(r.epochs) ?? 0)),
    valAccuracy: num(r.valAccuracy),
    bestEpoch: num(r.bestEpoch),
    ...(typeof r.message === 'string' ? { message: r.message.slice(0, 500) } : {}),
  };
}

const epochsText = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;

/**
 * The one line that says how a run ended: the dashboard's status line and the
 * Runs view's row both show it. "Stopped before training" when Stop came
 * before any model was saved.
 */
export function outcomeLine(o: RunOutcome): string {
  const acc = o.valAccuracy === null ? null : `val acc ${percent(o.valAccuracy)}`;
  const best = o.bestEpoch !== null && o.bestEpoch > 0 && o.epochs > 0 ? ` (best epoch ${o.bestEpoch})` : '';
  switch (o.status) {
    case 'completed':
      return ['Completed', epochsText(o.epochs), acc ? acc + best : null].filter(Boolean).join(' · ');
    case 'stopped':
      if (acc === null) return o.epochs > 0 ? `Stopped after ${epochsText(o.epochs)}; no model was saved` : 'Stopped before training';
      return [o.epochs > 0 ? `Stopped after ${epochsText(o.epochs)}` : 'Stopped during epoch 1', acc + best].join(' · ');
    case 'failed':
      return `Failed${o.message ? `: ${o.message}` : ''}`;
  }
}

/** Length of a run folder's `YYYYMMDD-HHMMSS-` prefix. */
const RUN_FOLDER_PREFIX = 16;

/** The start time encoded in a run folder name (`20261129-014417-…`, UTC), or null. */
export function folderTime(id: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * Whether folder `id` is the one a run named `name` created when it started at
 * `sinceMs` (names are `<UTC second>-<name>[-N]`). Used when a run ended without
 * a result, so nothing told us its folder.
 */
export function isFolderOfRun(id: string, sinceMs: number, name: string | undefined): boolean {
  const t = folderTime(id);
  if (t === null || t < Math.floor(sinceMs / 1000) * 1000) return false;
  return name === undefined || id.slice(RUN_FOLDER_PREFIX).startsWith(name);
}
