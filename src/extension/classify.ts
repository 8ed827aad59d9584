// Classify Image: runs an image through the best model of a finished run
// (asking which run when there are several) and shows the top-K labels.
import * as vscode from 'vscode';
import type { App } from './app';
import { requireTrust } from './trust';
import { percent } from './views/format';
import type { RunInfo } from './runs/runInfo';

const TOP_K = 3;
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'];

/** The image shown in the active editor tab (images open in VS Code's image preview, a custom editor). */
function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  const ext = uri?.path.split('.').pop()?.toLowerCase();
  return uri && uri.scheme === 'file' && ext && IMAGE_EXTENSIONS.includes(ext) ? uri : undefined;
}

async function chooseRun(app: App): Promise<RunInfo | undefined> {
  const runs = (await app.runs.refresh()).filter((r) => r.modelDir !== null);
  if (runs.length === 0) {
    void vscode.window.showWarningMessage('Finetune: no finished run has a saved model yet. Fine-tune one first.');
    return undefined;
  }
  if (runs.length === 1) return runs[0];
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: run.id, description: run.bestValAccuracy === null ? '' : `best val acc ${percent(run.bestValAccuracy)}`, run })),
    { title: 'Finetune: classify with the model of which run?' },
  );
  return picked?.run;
}

export async function classifyImage(app: App, image?: vscode.Uri): Promise<void> {
  if (!requireTrust('Classifying images')) return;
  let target = image ?? activeImage();
  if (!target) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: IMAGE_EXTENSIONS }, openLabel: 'Classify' });
    target = picked?.[0];
  }
  if (!target) return;
  const run = await chooseRun(app);
  if (!run?.modelDir) return;
  try {
    const [result] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Finetune: classifying…' },
      () => app.utility.request('classify', { modelDir: run.modelDir!, files: [target.fsPath], topK: TOP_K }),
    );
    if (!result || result.error || result.top.length === 0) {
      void vscode.window.showErrorMessage(`Finetune: could not classify ${vscode.workspace.asRelativePath(target)}. ${result?.error ?? ''}`);
      return;
    }
    const labels = result.top.map((t) => `${t.label} ${percent(t.probability)}`).join(' · ');
    app.log.appendLine(`classify ${target.fsPath} with ${run.id}: ${labels}`);
    void vscode.window.showInformationMessage(`Finetune: ${vscode.workspace.asRelativePath(target)} → ${labels}`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Finetune: classification failed. ${error instanceof Error ? error.message : String(error)}`);
  }
}
