// Classify Image: runs an image through a model that names its classes (a
// finished run's model, or the open model when its folder has labels: a
// Teachable Machine export, the demo) and shows the top-K labels. With no
// such model it says so before any dialog opens.
import * as vscode from 'vscode';
import type { App } from './app';
import { requireTrust } from './trust';
import { percent } from './views/format';
import { modelCardText } from '../shared/modelCard';

const TOP_K = 3;
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'];

interface LabelledModel extends vscode.QuickPickItem {
  modelDir: string;
}

/** The image shown in the active editor tab (images open in VS Code's image preview, a custom editor). */
function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  const ext = uri?.path.split('.').pop()?.toLowerCase();
  return uri && uri.scheme === 'file' && ext && IMAGE_EXTENSIONS.includes(ext) ? uri : undefined;
}

/** Finished runs (their saved models always carry labels.json), then the open model if its folder names its classes. */
async function labelledModels(app: App): Promise<LabelledModel[]> {
  const runs: LabelledModel[] = (await app.runs.refresh()).flatMap((run) =>
    run.modelDir === null ? [] : [{ label: run.id, description: run.bestValAccuracy === null ? '' : `best val acc ${percent(run.bestValAccuracy)}`, modelDir: run.modelDir }],
  );
  const open = app.store.model;
  const card = modelCardText(open?.summary.labels);
  if (!open || !card || runs.some((r) => r.modelDir === open.dir)) return runs;
  return [{ label: open.summary.name, description: card, modelDir: open.dir }, ...runs];
}

export async function classifyImage(app: App, image?: vscode.Uri): Promise<void> {
  if (!requireTrust('Classifying images')) return;
  const models = await labelledModels(app);
  if (models.length === 0) {
    void vscode.window.showWarningMessage('Finetune: no model with labels to classify with. Fine-tune a model, or open one whose folder names its classes (labels.json, or a Teachable Machine metadata.json).');
    return;
  }
  let target = image ?? activeImage();
  if (!target) {
    const picked = await vscode.window.showOpenDialog({ title: 'Finetune: Classify Image', canSelectMany: false, filters: { Images: IMAGE_EXTENSIONS }, openLabel: 'Classify' });
    target = picked?.[0];
  }
  if (!target) return;
  const model = models.length === 1 ? models[0] : await vscode.window.showQuickPick(models, { title: 'Finetune: classify with which model?' });
  if (!model) return;
  try {
    const [result] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Finetune: classifying…' },
      () => app.utility.request('classify', { modelDir: model.modelDir, files: [target.fsPath], topK: TOP_K }),
    );
    if (!result || result.error || result.top.length === 0) {
      void vscode.window.showErrorMessage(`Finetune: could not classify ${vscode.workspace.asRelativePath(target)}. ${result?.error ?? ''}`);
      return;
    }
    const labels = result.top.map((t) => `${t.label} ${percent(t.probability)}`).join(' · ');
    app.log.appendLine(`classify ${target.fsPath} with ${model.modelDir}: ${labels}`);
    void vscode.window.showInformationMessage(`Finetune: ${vscode.workspace.asRelativePath(target)} → ${labels}`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Finetune: classification failed. ${error instanceof Error ? error.message : String(error)}`);
  }
}
