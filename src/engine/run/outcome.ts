// Records how a run ended in its folder (`outcome.json`), so the Runs view can
// tell a Stop from a crash and show the same figures as the dashboard. Written
// by the trainer process at the boundary of a run; the engine's orchestrators
// do not need to know about it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUTCOME_FILE, folderTime, type RunOutcome } from '../../shared/runOutcome';
import { writeJsonAtomicSync } from './atomic';

export function writeOutcome(runDir: string, outcome: RunOutcome): void {
  writeJsonAtomicSync(join(runDir, OUTCOME_FILE), outcome);
}

/**
 * The folder a run created under `runsDir` if it started at `sinceMs` (folder
 * names have one-second resolution): used when a run ended without a result,
 * so nothing told us its folder. `name` is the spec's name when it had one.
 * Null when the run ended before creating a folder.
 */
export function runFolderSince(runsDir: string, sinceMs: number, name: string | undefined): string | null {
  let entries: string[];
  try {
    entries = readdirSync(runsDir);
  } catch {
    return null;
  }
  const floor = Math.floor(sinceMs / 1000) * 1000;
  const candidates = entries
    .filter((id) => {
      const t = folderTime(id);
      if (t === null || t < floor) return false;
      if (name !== undefined && !id.slice(16).startsWith(name)) return false;
      return existsSync(join(runsDir, id, 'spec.json'));
    })
    .sort();
  const newest = candidates[candidates.length - 1];
  return newest === undefined ? null : join(runsDir, newest);
}
