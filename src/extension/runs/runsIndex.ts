// Lists the run folders under the runs folder, through vscode.workspace.fs so
// it also works where the workspace is remote.
import * as vscode from 'vscode';
import { isActiveRun, runStatus, runSummary, sortNewestFirst, summarizeMetrics, type RunInfo } from './runInfo';
import { OUTCOME_FILE, parseOutcome } from '../../shared/runOutcome';

const decoder = new TextDecoder();
/** A metrics file bigger than this is not a metrics file we wrote. */
const MAX_METRICS_BYTES = 16 * 1024 * 1024;

/** Whether `uri` exists, through workspace.fs (so it holds under Remote-SSH, WSL and containers). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readSmall(uri: vscode.Uri): Promise<string> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_METRICS_BYTES) return '';
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return '';
  }
}

export async function listRuns(runsDir: vscode.Uri, activeSince: number | null): Promise<RunInfo[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(runsDir);
  } catch {
    return [];
  }
  const runs = await Promise.all(
    entries
      .filter(([, type]) => type === vscode.FileType.Directory)
      .map(async ([name]): Promise<RunInfo | null> => {
        const dir = vscode.Uri.joinPath(runsDir, name);
        if (!(await exists(vscode.Uri.joinPath(dir, 'spec.json')))) return null; // not a run folder
        const modelDir = vscode.Uri.joinPath(dir, 'model');
        const hasModel = await exists(vscode.Uri.joinPath(modelDir, 'model.json'));
        const metrics = summarizeMetrics(await readSmall(vscode.Uri.joinPath(dir, 'metrics.jsonl')));
        const outcome = parseOutcome(await readSmall(vscode.Uri.joinPath(dir, OUTCOME_FILE)));
        const status = runStatus(hasModel, !hasModel && !outcome && isActiveRun(name, activeSince), outcome);
        return {
          id: name,
          dir: dir.fsPath,
          status,
          epochsDone: outcome?.epochs ?? metrics.epochs,
          bestValAccuracy: outcome?.valAccuracy ?? metrics.bestValAccuracy,
          modelDir: hasModel ? modelDir.fsPath : null,
          summary: runSummary(status, outcome, metrics.epochs, metrics.bestValAccuracy),
        };
      }),
  );
  return sortNewestFirst(runs.filter((r): r is RunInfo => r !== null));
}
