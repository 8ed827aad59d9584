// A Stop that had to end the trainer by force (it did not stop within the
// grace period) leaves its run folder without the outcome the trainer would
// have written. The host writes it then, so the Runs view says "Stopped", as
// the dashboard does, instead of "Interrupted" (which offers a Resume that
// the user never asked for).
import * as vscode from 'vscode';
import { OUTCOME_FILE, isFolderOfRun, unsavedOutcome } from '../../shared/runOutcome';
import { exists } from './runsIndex';


/** Records "stopped" in the folder of the run started at `since`, unless the trainer already recorded how it ended. */
export async function recordForcedStop(runsDir: vscode.Uri, since: number, name: string | undefined, epochs: number): Promise<void> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(runsDir);
  } catch {
    return; // no runs folder: the run ended before making one
  }
  const ids = entries.filter(([id, type]) => type === vscode.FileType.Directory && isFolderOfRun(id, since, name)).map(([id]) => id).sort();
  const newest = ids[ids.length - 1];
  if (newest === undefined) return;
  const folder = vscode.Uri.joinPath(runsDir, newest);
  if (!(await exists(vscode.Uri.joinPath(folder, 'spec.json'))) || (await exists(vscode.Uri.joinPath(folder, OUTCOME_FILE)))) return;
  const text = JSON.stringify(unsavedOutcome('stopped', undefined, epochs));
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, OUTCOME_FILE), new TextEncoder().encode(text));
}
