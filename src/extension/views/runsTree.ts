// The Runs view: this workspace's runs, newest first, with status and best
// validation accuracy. An interrupted run offers Resume. A sweep's runs are
// grouped under the sweep (sweepItem.ts).
import * as vscode from 'vscode';
import type { RunInfo } from '../runs/runInfo';
import { listRuns } from '../runs/runsIndex';
import { listSweeps } from '../runs/sweepsIndex';
import { isSweep, type SweepInfo } from '../runs/sweepInfo';
import { percent } from './format';
import { sweepTreeItem } from './sweepItem';

export type RunsNode = RunInfo | SweepInfo;

const ICONS: Record<RunInfo['status'], [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  completed: ['pass', 'charts.green'],
  interrupted: ['debug-pause', 'charts.yellow'],
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: RunInfo[] = [];
  private sweeps: SweepInfo[] = [];
  /** The sweep this window is running, for its members' status (set by the sweep runner). */
  activeSweep: () => { dir: string; since: number } | null = () => null;

  constructor(
    private readonly runsDir: () => vscode.Uri | undefined,
    private readonly activeSince: () => number | null,
  ) {}

  /** Re-reads the runs folder. */
  async refresh(): Promise<RunInfo[]> {
    const dir = this.runsDir();
    [this.runs, this.sweeps] = dir ? await Promise.all([listRuns(dir, this.activeSince()), listSweeps(dir, this.activeSweep())]) : [[], []];
    this.changed.fire(undefined);
    return this.runs;
  }

  get current(): readonly RunInfo[] {
    return this.runs;
  }

  get currentSweeps(): readonly SweepInfo[] {
    return this.sweeps;
  }

  /** Sweeps and runs newest first (folder names start with a UTC timestamp); a sweep's runs under it. */
  getChildren(element?: RunsNode): RunsNode[] {
    if (element) return isSweep(element) ? element.members : [];
    return [...this.sweeps, ...this.runs].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    return isSweep(node) ? sweepTreeItem(node) : this.runItem(node);
  }

  private runItem(run: RunInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(run.id, vscode.TreeItemCollapsibleState.None);
    item.id = run.dir;
    const acc = run.bestValAccuracy === null ? 'no val acc yet' : `best val acc ${percent(run.bestValAccuracy)}`;
    item.description = `${run.status} · ${acc} · ${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}`;
    const [icon, color] = ICONS[run.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = new vscode.MarkdownString().appendText(`${run.dir}\n\nStatus: ${run.status}\n${acc}`);
    item.contextValue = `run-${run.status}`;
    item.resourceUri = vscode.Uri.file(run.dir);
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
