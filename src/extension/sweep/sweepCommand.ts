// *Sweep Cut Points…*: the model, dataset and hyperparameters already chosen
// in the dashboard, and a preset grid (auto cuts × head only × 1 seed) the
// user can edit in three input boxes before anything runs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseCuts, parsePlans, parseSeedCount, seedList, type Parsed } from '../../shared/sweepGrid';
import type { SweepRequestParams } from '../../shared/protocol/trainer';
import type { App } from '../app';
import { backendSetting, runsFolder } from '../settings';
import { requireTrust } from '../trust';

async function ask<T>(step: number, prompt: string, value: string, parse: (text: string) => Parsed<T>): Promise<T | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Finetune: Sweep Cut Points (${step}/3)`,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (t) => {
      const r = parse(t);
      return r.ok ? null : r.error;
    },
  });
  if (text === undefined) return undefined;
  const r = parse(text);
  return r.ok ? r.value : undefined;
}

/** The sweep request from the dashboard's state and the user's grid; undefined when the user backs out or something is missing (said once). */
export async function askSweep(app: App): Promise<SweepRequestParams | undefined> {
  if (!requireTrust('Sweeping')) return undefined;
  const { buildSpec } = await import('../state/specBuilder'); // zod, loaded on first use
  const built = buildSpec(app.store, runsFolder(app.context).fsPath, backendSetting());
  if (!built.ok) {
    void vscode.window.showWarningMessage(`Finetune: ${built.reason}`);
    return undefined;
  }
  if (app.store.model?.summary.format === 'graph') {
    void vscode.window.showWarningMessage('Finetune: sweeps need a Layers model (a Graph model has no layers to cut at).');
    return undefined;
  }
  const cuts = await ask(1, 'Cut points: layer names separated by commas, or auto (block ends, the layers before pooling, flatten and dense layers)', 'auto', parseCuts);
  if (cuts === undefined) return undefined;
  const plans = await ask(2, 'What trains at each cut: head, top:K, all, or layer names joined with +; separated by commas', 'head', parsePlans);
  if (plans === undefined) return undefined;
  const seeds = await ask(3, `Seeds per candidate (each seed is one run of ${built.spec.epochs === undefined ? 'Auto epochs, by the budget rule' : `${built.spec.epochs} epochs`})`, '1', parseSeedCount);
  if (seeds === undefined) return undefined;
  const { cut: _cut, train: _train, seed: _seed, name: _name, runsDir, ...base } = built.spec;
  const name = path.basename(built.spec.dataDir).replace(/[^\w.-]+/g, '_').slice(0, 48) || 'data';
  return { base, runsDir, cuts, plans, seeds: seedList(seeds), name };
}
