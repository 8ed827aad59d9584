// Clicking a point opens its run: the run's model in the Layers view with the
// run's cut and plan ticked, and its validation history in the dashboard.
import * as vscode from 'vscode';
import { TrainSpecSchema } from '../../shared/trainSpec';
import type { App } from '../app';
import { planFromSpec } from './planFromSpec';
import { epochHistory } from '../runs/runInfo';

const decoder = new TextDecoder();

export async function openRun(app: App, runDir: string): Promise<void> {
  const root = vscode.Uri.file(runDir);
  const read = async (name: string) => decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, name)));
  let spec;
  try {
    spec = TrainSpecSchema.parse(JSON.parse(await read('spec.json')));
  } catch {
    void vscode.window.showErrorMessage(`Finetune: ${runDir} has no readable spec.json.`);
    return;
  }
  if (app.training.active) {
    void vscode.window.showInformationMessage('Finetune: a training run is in progress; open this run when it ends.');
    return;
  }
  if (app.store.model?.dir !== spec.modelDir && !(await app.loadModel(spec.modelDir))) return;
  const model = app.store.model;
  if (model && model.summary.format === 'layers') app.store.setPlan(planFromSpec(model.planModel, spec.cut, spec.train));
  const history = epochHistory(await read('metrics.jsonl').catch(() => ''));
  const name = runDir.split(/[\\/]/).pop() ?? runDir;
  const best = Math.max(...history.map((p) => p.valAccuracy).filter(Number.isFinite));
  app.store.showHistory(name, history, `Opened ${name}: ${history.length} epochs${Number.isFinite(best) ? `, best validation accuracy ${(best * 100).toFixed(1)}%` : ''}`);
  app.showDashboard();
  await vscode.commands.executeCommand('finetune.layers.focus');
}
