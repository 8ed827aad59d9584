// Activation: create the views and register the commands. Nothing here loads
// tfjs; model work happens in trainer child processes (dist/trainer.js).
import * as vscode from 'vscode';
import { App } from './app';
import { registerCommands } from './commands';
import { registerExperiments } from './sweep/register';

let app: App | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  app = new App(context);
  registerCommands(context, app);
  registerExperiments(context, app);
  app.log.appendLine(`Finetune Studio activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  // Ends every trainer process this window started, so none outlives it.
  const current = app;
  app = undefined;
  await current?.dispose();
}
