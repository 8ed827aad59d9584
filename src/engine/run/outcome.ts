// Records how a run ended in its folder (`outcome.json`), so the Runs view can
// tell a Stop from a crash and show the same figures as the dashboard. Written
// by the trainer process at the boundary of a run; the engine's orchestrators
// do not need to know about it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUTCOME_FILE, isFolderOfRun, type RunOutcome } from '../../shared/runOutcome';
import { writeJsonAtomicSync } from './atomic';

export function writeOutcome(runDir: string, outcome: RunOutcome): void {
  writeJsonAtomicSync(join(runDir, OUTCOME_FILE), outcome);
}

/** The newest folder under `runsDir` that a run started at `sinceMs` created (see isFolderOfRun), or null. */
export function runFolderSince(runsDir: string, sinceMs: number, name: string | undefined): string | null {
  let entries: string[];
  try {
    entries = readdirSync(runsDir);
  } catch {
    return null;
  }
  const candidates = entries.filter((id) => isFolderOfRun(id, sinceMs, name) && existsSync(join(runsDir, id, 'spec.json'))).sort();
  const newest = candidates[candidates.length - 1];
  return newest === undefined ? null : join(runsDir, newest);
}
