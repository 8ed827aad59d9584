// The extension's settings, read fresh each time (they may change any time).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendNameSchema, type BackendName } from '../shared/trainSpec';
import type { Hyperparameters } from '../shared/protocol/webview';
import { DEFAULT_HYPER } from './state/defaults';

function config() {
  return vscode.workspace.getConfiguration('finetune');
}

/** `finetune.runsFolder` resolved against the first workspace folder; global storage without one. */
export function runsFolder(context: vscode.ExtensionContext): vscode.Uri {
  const setting = config().get<string>('runsFolder', '.finetune/runs') || '.finetune/runs';
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
  if (root) return vscode.Uri.joinPath(root, setting);
  return vscode.Uri.joinPath(context.globalStorageUri, 'runs');
}

/** The backend to ask for; undefined lets the engine choose (`auto`). */
export function backendSetting(): BackendName | undefined {
  const value = config().get<string>('backend', 'auto');
  const parsed = BackendNameSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** `finetune.threads`; undefined (every core) for 0 or anything unusable. */
export function threadsSetting(): number | undefined {
  const value = config().get<number>('threads', 0);
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 256 ? value : undefined;
}

/** Defaults for the dashboard's hyperparameters, from settings, clamped to what the engine accepts. */
export function defaultHyperparameters(): Hyperparameters {
  const c = config();
  const num = (key: string, fallback: number, min: number, max: number, integer: boolean) => {
    const v = c.get<number>(key, fallback);
    if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
    const clamped = Math.min(max, Math.max(min, v));
    return integer ? Math.round(clamped) : clamped;
  };
  return {
    ...DEFAULT_HYPER,
    batchSize: num('batchSize', DEFAULT_HYPER.batchSize, 1, 4096, true),
    // 0 (the default) is Auto.
    epochs: num('epochs', 0, 0, 10_000, true) || 'auto',
    learningRate: num('learningRate', DEFAULT_HYPER.learningRate, 1e-8, 10, false),
    validationSplit: num('validationSplit', DEFAULT_HYPER.validationSplit, 0.05, 0.9, false),
  };
}
