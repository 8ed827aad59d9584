// Lists the sweep folders under the runs folder (those holding sweep.json),
// each with its member runs, through vscode.workspace.fs.
import * as vscode from 'vscode';
import { listRuns } from './runsIndex';
import { sweepInfo, type SweepInfo } from './sweepInfo';

const decoder = new TextDecoder();

/** `active`: the sweep this window is running, and since when (its members without a model are running, not interrupted). */
export async function listSweeps(runsDir: vscode.Uri, active: { dir: string; since: number } | null): Promise<SweepInfo[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(runsDir);
  } catch {
    return [];
  }
  // Loaded on first use: zod stays out of activation.
  const { SWEEP_JSON, SWEEP_RUNS, SweepFileSchema } = await import('../../shared/sweep');
  const sweeps = await Promise.all(
    entries
      .filter(([, type]) => type === vscode.FileType.Directory)
      .map(async ([name]): Promise<SweepInfo | null> => {
        const dir = vscode.Uri.joinPath(runsDir, name);
        let raw: unknown;
        try {
          raw = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, SWEEP_JSON))));
        } catch {
          return null; // not a sweep folder (or not one we can read)
        }
        const record = SweepFileSchema.safeParse(raw);
        if (!record.success) return null;
        const running = active?.dir === dir.fsPath;
        const members = await listRuns(vscode.Uri.joinPath(dir, SWEEP_RUNS), running ? active.since : null);
        return sweepInfo(name, dir.fsPath, record.data, members, running);
      }),
  );
  return sweeps.filter((s): s is SweepInfo => s !== null);
}
