// Resume: continue an interrupted run (a crash, a kill, a window reload) from
// its last good checkpoint. The chart starts with the epochs the run had
// already logged, so the history is complete.
import * as vscode from 'vscode';
import type { App } from './app';
import { epochHistory, type RunInfo } from './runs/runInfo';
import { requireTrust } from './trust';

const decoder = new TextDecoder();

async function readText(uri: vscode.Uri): Promise<string> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return '';
  }
}

export async function resumeRun(app: App, run?: RunInfo): Promise<void> {
  if (!requireTrust('Resuming a run')) return;
  if (app.training.active) {
    void vscode.window.showInformationMessage('Finetune: a training run is already in progress.');
    return;
  }
  let target = run && typeof run === 'object' && typeof run.dir === 'string' ? run : undefined;
  if (!target) {
    const interrupted = (await app.runs.refresh()).filter((r) => r.status === 'interrupted');
    if (interrupted.length === 0) {
      void vscode.window.showInformationMessage('Finetune: no interrupted run to resume.');
      return;
    }
    target = (await vscode.window.showQuickPick(interrupted.map((r) => ({ label: r.id, description: `${r.epochsDone} epochs done`, run: r })), { title: 'Finetune: resume which run?' }))?.run;
    if (!target) return;
  }
  const dir = vscode.Uri.file(target.dir);
  let epochs = 0;
  try {
    const spec = JSON.parse(await readText(vscode.Uri.joinPath(dir, 'spec.json'))) as { epochs?: unknown };
    if (typeof spec.epochs === 'number' && Number.isInteger(spec.epochs)) epochs = spec.epochs;
  } catch {
    /* the trainer reports an unreadable spec clearly */
  }
  const history = epochHistory(await readText(vscode.Uri.joinPath(dir, 'metrics.jsonl')));
  app.showDashboard();
  app.training.start({ kind: 'resume', runDir: target.dir, name: target.id, epochs, history });
}
