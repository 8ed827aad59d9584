// Experiments in VS Code: *Sweep Cut Points…*, *Compare Runs*, a sweep's
// comparison and its Resume. The sweep runs in its own trainer process
// (SweepRunner); results open in the comparison webview.
import * as vscode from 'vscode';
import type { App } from '../app';
import type { RunInfo } from '../runs/runInfo';
import type { TrainPlan } from '../../shared/trainSpec';
import type { RunsNode } from '../views/runsTree';
import { isSweep, type SweepInfo } from '../runs/sweepInfo';
import { requireTrust } from '../trust';
import { backendSetting } from '../settings';
import { ComparePanel } from '../compare/comparePanel';
import type { Built } from '../compare/compareModel';
import { loadRuns, loadSweep } from '../compare/compareData';
import { openRun } from '../compare/openRun';
import { SweepRunner } from './sweepRunner';
import { askSweep } from './sweepCommand';

export function registerExperiments(context: vscode.ExtensionContext, app: App): SweepRunner {
  const log = (line: string) => app.log.appendLine(line);
  const show = (built: Built) => ComparePanel.show(context.extensionUri, built, (dir) => void openRun(app, dir), log);
  const openSweep = async (dir: string) => {
    try {
      show(await loadSweep(dir));
    } catch (error) {
      void vscode.window.showErrorMessage(`Finetune: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const runner = new SweepRunner(vscode.Uri.joinPath(context.extensionUri, 'dist', 'trainer.js').fsPath, {
    log,
    changed: () => void app.runs.refresh(),
    finished: (dir) => void openSweep(dir),
  });
  app.runs.activeSweep = () => runner.activeSweep;

  const compareRuns = async (clicked?: RunsNode, selected?: RunsNode[]) => {
    let runs = (selected?.length ? selected : clicked ? [clicked] : []).filter((r): r is RunInfo => !!r && typeof r.dir === 'string' && !isSweep(r));
    if (runs.length < 2) {
      await app.runs.refresh();
      const all = [...app.runs.current, ...app.runs.currentSweeps.flatMap((s) => s.members)];
      const picked = await vscode.window.showQuickPick(
        all.map((r) => ({ label: r.id, description: r.bestValAccuracy === null ? undefined : `best val acc ${(r.bestValAccuracy * 100).toFixed(1)}%`, picked: runs.some((s) => s.dir === r.dir), run: r })),
        { title: 'Finetune: compare which runs? (two or more)', canPickMany: true },
      );
      if (!picked) return;
      runs = picked.map((p) => p.run);
    }
    if (runs.length < 2) {
      void vscode.window.showInformationMessage('Finetune: choose two or more runs to compare.');
      return;
    }
    const costsOf = (modelDir: string, plan: TrainPlan) =>
      app.utility.request('runCosts', { modelDir, plan, backend: backendSetting() }).catch((error: unknown) => {
        log(`compare: no costs for ${modelDir}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
    show(await loadRuns(runs.map((r) => r.dir), costsOf));
  };

  const table: Record<string, (...args: never[]) => unknown> = {
    'finetune.sweepCutPoints': async () => {
      if (app.training.active || runner.active) {
        void vscode.window.showInformationMessage('Finetune: wait for the current run or sweep to end.');
        return;
      }
      const request = await askSweep(app);
      if (request) runner.start({ kind: 'sweep', request });
    },
    'finetune.compareRuns': compareRuns,
    'finetune.openSweepComparison': (sweep?: SweepInfo) => sweep?.dir && openSweep(sweep.dir),
    'finetune.resumeSweep': (sweep?: SweepInfo) => {
      if (!requireTrust('Resuming a sweep') || !sweep?.dir) return;
      if (app.training.active) {
        void vscode.window.showInformationMessage('Finetune: wait for the current run to end.');
        return;
      }
      runner.start({ kind: 'resume', dir: sweep.dir });
    },
  };
  for (const [id, handler] of Object.entries(table)) context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  context.subscriptions.push(runner);
  return runner;
}
