// The Runs view: this workspace's runs, newest first, with status and best
// validation accuracy. An interrupted run offers Resume.
import * as vscode from 'vscode';
import type { RunInfo } from '../runs/runInfo';
import { listRuns } from '../runs/runsIndex';
import { percent } from './format';

const ICONS: Record<RunInfo['status'], [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  completed: ['pass', 'charts.green'],
  interrupted: ['debug-pause', 'charts.yellow'],
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunInfo | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: RunInfo[] = [];

  constructor(
    private readonly runsDir: () => vscode.Uri | undefined,
    private readonly activeSince: () => number | null,
  ) {}

  /** Re-reads the runs folder. */
  async refresh(): Promise<RunInfo[]> {
    const dir = this.runsDir();
    this.runs = dir ? await listRuns(dir, this.activeSince()) : [];
    this.changed.fire(undefined);
    return this.runs;
  }

  get current(): readonly RunInfo[] {
    return this.runs;
  }

  getChildren(element?: RunInfo): RunInfo[] {
    return element ? [] : this.runs;
  }

  getTreeItem(run: RunInfo): vscode.TreeItem {
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
