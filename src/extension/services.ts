// The objects that live for the extension's lifetime, created once at
// activation and disposed at deactivation.
import * as vscode from 'vscode';
import { DashboardPanel } from './dashboard/panel';

export interface ExtensionContextServices {
  context: vscode.ExtensionContext;
  log: vscode.OutputChannel;
  dispose(): Promise<void>;
}

export function createServices(context: vscode.ExtensionContext): ExtensionContextServices {
  const log = vscode.window.createOutputChannel('Finetune Studio');
  const layersView = vscode.window.createTreeView('finetune.layers', { treeDataProvider: emptyTree(), showCollapseAll: true });
  const runsView = vscode.window.createTreeView('finetune.runs', { treeDataProvider: emptyTree() });
  context.subscriptions.push(log, layersView, runsView);
  return {
    context,
    log,
    async dispose() {
      DashboardPanel.instance?.dispose();
    },
  };
}

function emptyTree(): vscode.TreeDataProvider<vscode.TreeItem> {
  return { getTreeItem: (item) => item, getChildren: () => [] };
}
