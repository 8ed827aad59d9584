// What the Runs view shows about one run folder, derived from its files.
// Pure, so the interrupted/completed rules are unit-tested.

export type RunStatus = 'running' | 'completed' | 'interrupted';

export interface RunInfo {
  /** The folder name, `<timestamp>-<name>`; newest sorts last alphabetically. */
  id: string;
  dir: string;
  status: RunStatus;
  epochsDone: number;
  bestValAccuracy: number | null;
  /** The saved model folder, when the run finished. */
  modelDir: string | null;
}

export interface MetricsSummary {
  epochs: number;
  bestValAccuracy: number | null;
}

/** Reads `metrics.jsonl`, skipping a torn or foreign line instead of failing. */
export function summarizeMetrics(text: string): MetricsSummary {
  let epochs = 0;
  let best: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    if (!row || typeof row !== 'object') continue;
    const { epoch, valAccuracy } = row as { epoch?: unknown; valAccuracy?: unknown };
    if (typeof epoch === 'number' && Number.isFinite(epoch)) epochs = Math.max(epochs, epoch);
    if (typeof valAccuracy === 'number' && Number.isFinite(valAccuracy)) best = best === null ? valAccuracy : Math.max(best, valAccuracy);
  }
  return { epochs, bestValAccuracy: best };
}

/** The epochs a run folder has logged, for the chart of a resumed run (torn lines skipped). */
export function epochHistory(text: string): { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number }[] {
  const byEpoch = new Map<number, { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number }>();
  for (const line of text.split('\n')) {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const num = (k: string) => (typeof row?.[k] === 'number' ? (row[k] as number) : Number.NaN);
    const epoch = num('epoch');
    if (!Number.isInteger(epoch) || epoch < 1) continue;
    byEpoch.set(epoch, { epoch, loss: num('loss'), accuracy: num('accuracy'), valLoss: num('valLoss'), valAccuracy: num('valAccuracy') });
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/**
 * A folder with a saved model completed. One without is running only if this
 * window's trainer is on it; otherwise its trainer died (a crash, a reload,
 * a kill) and the run is interrupted, which Resume can pick up.
 */
export function runStatus(hasModel: boolean, isActiveHere: boolean): RunStatus {
  if (isActiveHere) return 'running';
  return hasModel ? 'completed' : 'interrupted';
}

/** The start time encoded in a run folder name (`20261129-014417-…`, UTC), or null. */
export function folderTime(id: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Whether a folder belongs to the run this window started at `activeSince` (folder names have 1 s resolution). */
export function isActiveRun(id: string, activeSince: number | null): boolean {
  if (activeSince === null) return false;
  const t = folderTime(id);
  return t !== null && t >= activeSince - 2000;
}

/** Newest first: folder names start with a UTC timestamp. */
export function sortNewestFirst(runs: RunInfo[]): RunInfo[] {
  return [...runs].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
