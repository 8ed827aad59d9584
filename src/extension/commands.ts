import * as vscode from 'vscode';
import { DashboardPanel } from './dashboard/panel';
import type { ExtensionContextServices } from './services';

export function registerCommands(context: vscode.ExtensionContext, services: ExtensionContextServices): void {
  const notYet = (what: string) => () => vscode.window.showInformationMessage(`Finetune: ${what} is not available yet.`);
  const showDashboard = () =>
    DashboardPanel.show(context.extensionUri, {
      onMessage: (panel, raw) => {
        if (raw && typeof raw === 'object' && (raw as { type?: unknown }).type === 'ready') panel.markReady();
      },
    });
  const table: Record<string, (...args: unknown[]) => unknown> = {
    'finetune.openModel': notYet('Open Model'),
    'finetune.openDemoModel': notYet('Open Demo Model'),
    'finetune.openCatalogModel': notYet('Open Model from Catalog'),
    'finetune.fineTuneFolder': showDashboard,
    'finetune.fineTuneOnDataset': showDashboard,
    'finetune.showDashboard': showDashboard,
    'finetune.stopTraining': notYet('Stop Training'),
    'finetune.classifyImage': notYet('Classify Image'),
    'finetune.classifyWithModel': notYet('Classify with Fine-tuned Model'),
    'finetune.selectBackend': notYet('Select Backend'),
    'finetune.freezeUpToHere': notYet('Freeze up to here'),
    'finetune.unfreezeFromHere': notYet('Unfreeze from here'),
    'finetune.cutHere': notYet('Cut here'),
    'finetune.resumeRun': notYet('Resume Run'),
    'finetune.refreshRuns': notYet('Refresh Runs'),
  };
  for (const [id, handler] of Object.entries(table)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  void services;
}
