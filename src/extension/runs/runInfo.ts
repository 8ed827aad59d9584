// What the Runs view shows about one run folder, derived from its files.
// Pure, so the status rules are unit-tested.
import { folderTime, outcomeLine, type RunOutcome } from '../../shared/runOutcome';
import { percent } from '../../shared/format';

export { folderTime };

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface RunInfo {
  /** The folder name, `<timestamp>-<name>`; newest sorts last alphabetically. */
  id: string;
  dir: string;
  status: RunStatus;
  epochsDone: number;
  bestValAccuracy: number | null;
  /** The saved model folder, when the run finished. */
  modelDir: string | null;
  /** How it ended (or where it stands), in the words the dashboard used for it. */
  summary: string;
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
 * This window's trainer on it: running. Otherwise the outcome the trainer
 * recorded (completed, stopped or failed). A folder with a saved model but no
 * record (a CLI run) completed; one with neither lost its trainer (a crash,
 * a reload, a kill): interrupted, which Resume can pick up.
 */
export function runStatus(hasModel: boolean, isActiveHere: boolean, outcome: RunOutcome | null = null): RunStatus {
  if (isActiveHere) return 'running';
  if (outcome) return outcome.status;
  return hasModel ? 'completed' : 'interrupted';
}

/** The row's words: the recorded outcome's line, as the dashboard showed it, else what the files say. */
export function runSummary(status: RunStatus, outcome: RunOutcome | null, epochs: number, bestValAccuracy: number | null): string {
  if (outcome && status === outcome.status) return outcomeLine(outcome);
  const parts = [status === 'running' ? 'Running' : status === 'interrupted' ? 'Interrupted' : 'Completed', `${epochs} epoch${epochs === 1 ? '' : 's'}`];
  if (bestValAccuracy !== null) parts.push(`best val acc ${percent(bestValAccuracy)}`);
  return parts.join(' · ');
}

const STATUS_WORD: Record<RunInfo['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

/** `20261130-033000-demo-cnn` → `2026-11-30 03:30 demo-cnn`. */
function folderLabel(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}-(.*)$/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} ${m[6]}` : id;
}

/**
 * The row leads with the status and the figure (val acc), which rows never
 * truncate away; the folder follows as the description, the whole line the
 * dashboard showed is the tooltip.
 */
export function runRow(run: RunInfo): { label: string; description: string } {
  const acc = run.bestValAccuracy === null ? '' : ` · ${percent(run.bestValAccuracy)}`;
  return { label: `${STATUS_WORD[run.status]}${acc}`, description: folderLabel(run.id) };
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
