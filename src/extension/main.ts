// Activation: register commands, views and the dashboard. Nothing here loads
// tfjs; model work happens in the trainer child process (dist/trainer.js).
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ExtensionContextServices, createServices } from './services';

let services: ExtensionContextServices | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  services = createServices(context);
  registerCommands(context, services);
  const ms = performance.now() - started;
  services.log.appendLine(`Finetune Studio activated in ${ms.toFixed(1)} ms`);
}

export function deactivate(): Promise<void> | undefined {
  // Kills every trainer process we started, so none outlives the host.
  return services?.dispose();
}
