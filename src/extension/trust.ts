// Workspace Trust. Commands can be run from outside the UI (keybindings,
// other extensions), so each one that trains, downloads or writes checks
// trust itself rather than relying on menus being hidden.
import * as vscode from 'vscode';

export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Finetune: ${action} is disabled in Restricted Mode. Trust this workspace to train models or load files from it.`,
    'Manage Workspace Trust',
  ).then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
