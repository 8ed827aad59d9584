// Every contributed command. Handlers are thin: they ask the user what is
// needed, check Workspace Trust where files are trained on, and call the app.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App } from './app';
import { freezeUpTo, unfreezeFrom, withCut } from './state/freezePlan';
import { requireTrust } from './trust';
import type { LayerNode } from './views/layerTreeIndex';
import { classifyImage } from './classify';
import { resumeRun } from './resume';
import { openCatalogModel } from './catalog';
import type { RunInfo } from './runs/runInfo';

export function registerCommands(context: vscode.ExtensionContext, app: App): void {
  const layerAction = (apply: typeof freezeUpTo) => (node?: LayerNode) => {
    const m = app.store.model;
    const plan = app.store.plan;
    if (!m || !plan || node?.kind !== 'layer') return;
    if (app.training.active) {
      void vscode.window.showInformationMessage('Finetune: the freeze plan cannot change while training runs.');
      return;
    }
    app.store.setPlan(apply(m.planModel, plan, node.id));
  };

  const table: Record<string, (...args: never[]) => unknown> = {
    'finetune.openModel': () => openModel(app),
    'finetune.openModelFile': (uri?: vscode.Uri) => openModel(app, uri instanceof vscode.Uri ? uri : undefined),
    'finetune.openDemoModel': async () => {
      if (await app.loadModel(app.demoModelDir)) await vscode.commands.executeCommand('finetune.layers.focus');
    },
    'finetune.openCatalogModel': () => openCatalogModel(app),
    'finetune.fineTuneFolder': async () => {
      if (!requireTrust('Fine-tuning')) return;
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Fine-tune on this Dataset', title: 'A folder of class sub-folders' });
      if (picked?.[0]) await fineTuneOn(app, picked[0]);
    },
    'finetune.fineTuneOnDataset': async (uri?: vscode.Uri) => {
      if (!requireTrust('Fine-tuning')) return;
      if (uri instanceof vscode.Uri) await fineTuneOn(app, uri);
      else await vscode.commands.executeCommand('finetune.fineTuneFolder');
    },
    'finetune.fineTuneDemo': async () => {
      if (!requireTrust('Fine-tuning')) return;
      app.showDashboard();
      if (app.store.model?.dir !== app.demoModelDir && !(await app.loadModel(app.demoModelDir))) return;
      await app.setDataset(app.demoDatasetDir);
    },
    'finetune.showDashboard': () => app.showDashboard(),
    'finetune.stopTraining': () => {
      // The dashboard's Stop ends whichever is running; so does the palette's.
      if (app.lrFinder.active) return app.lrFinder.stop();
      if (!app.training.active) void vscode.window.showInformationMessage('Finetune: no training is running.');
      app.training.stop();
    },
    'finetune.classifyImage': (uri?: vscode.Uri) => classifyImage(app, uri instanceof vscode.Uri ? uri : undefined),
    'finetune.classifyWithModel': (uri?: vscode.Uri) => classifyImage(app, uri instanceof vscode.Uri ? uri : undefined),
    'finetune.selectBackend': () => selectBackend(),
    'finetune.freezeUpToHere': layerAction(freezeUpTo),
    'finetune.unfreezeFromHere': layerAction(unfreezeFrom),
    'finetune.cutHere': layerAction(withCut),
    'finetune.resumeRun': (run?: RunInfo) => resumeRun(app, run),
    'finetune.refreshRuns': () => app.runs.refresh(),
  };
  for (const [id, handler] of Object.entries(table)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  }
}

/** Open Model…: from the palette, a file dialog; from the Explorer's menu on a model.json or a Keras file, that file. */
async function openModel(app: App, clicked?: vscode.Uri): Promise<void> {
  const uri = clicked ?? (await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: true,
    canSelectMany: false,
    filters: { 'Models (TF.js, Keras)': ['json', 'keras', 'h5', 'hdf5'], 'TF.js model': ['json'], 'Keras model': ['keras', 'h5', 'hdf5'] },
    openLabel: 'Open Model',
    title: 'A TF.js model (model.json or its folder) or a Keras .keras / .h5 file',
  }))?.[0];
  if (!uri) return;
  // A Keras file is the model itself; a model.json stands for its folder.
  const dir = uri.fsPath.toLowerCase().endsWith('.json') ? path.dirname(uri.fsPath) : uri.fsPath;
  if (await app.loadModel(dir)) await vscode.commands.executeCommand('finetune.layers.focus');
}

/** Explorer "Fine-tune on this Dataset": the dashboard, pre-filled with this folder (and the demo model if none is open). */
async function fineTuneOn(app: App, folder: vscode.Uri): Promise<void> {
  app.showDashboard();
  const note = 'No model was open, so the demo model (digits 0–4) was opened. Open Model… chooses another.';
  if (!app.store.model && !(await app.loadModel(app.demoModelDir, note))) return;
  await app.setDataset(folder.fsPath);
}

async function selectBackend(): Promise<void> {
  if (!requireTrust('Changing the backend')) return;
  const config = vscode.workspace.getConfiguration('finetune');
  const current = config.get<string>('backend', 'auto');
  const items: (vscode.QuickPickItem & { value: string })[] = [
    { value: 'auto', label: 'auto', detail: 'tfjs-node-gpu, then tfjs-node, then webgpu on a hardware GPU, then wasm, then cpu' },
    { value: 'tensorflow', label: 'tensorflow', detail: 'Native TensorFlow (tfjs-node-gpu or tfjs-node)' },
    { value: 'webgpu', label: 'webgpu', detail: 'WebGPU on Dawn: NVIDIA, AMD, Intel or Apple GPUs through Vulkan, Metal or D3D12; a software adapter only when chosen here' },
    { value: 'wasm', label: 'wasm', detail: 'WebAssembly: portable; frozen layers only for convolutions' },
    { value: 'cpu', label: 'cpu', detail: 'Pure JavaScript: slowest, always available' },
  ].map((i) => ({ ...i, description: i.value === current ? '(current)' : undefined }));
  const choice = await vscode.window.showQuickPick(items, { title: 'Finetune: backend for training' });
  if (!choice) return;
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('backend', choice.value, target);
  void vscode.window.showInformationMessage(`Finetune: the next run uses the ${choice.value} backend.`);
}
