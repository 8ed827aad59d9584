// The Runs view: this workspace's runs, newest first, with status and best
// validation accuracy. An interrupted run offers Resume. A sweep's runs are
// grouped under the sweep (sweepItem.ts).
import * as vscode from 'vscode';
import { runRow, type RunInfo } from '../runs/runInfo';
import { listRuns } from '../runs/runsIndex';
import { listSweeps } from '../runs/sweepsIndex';
import { isSweep, type SweepInfo } from '../runs/sweepInfo';
import { sweepTreeItem } from './sweepItem';

export type RunsNode = RunInfo | SweepInfo;

// Each status has its own shape, not only its own colour: the icon alone says how a run ended.
const ICONS: Record<RunInfo['status'], [string, string]> = {
  running: ['sync~spin', 'charts.blue'],
  completed: ['pass', 'charts.green'],
  stopped: ['stop-circle', 'charts.yellow'],
  failed: ['error', 'errorForeground'],
  interrupted: ['debug-pause', 'charts.orange'],
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
    const row = runRow(run);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = run.dir;
    item.description = row.description;
    const [icon, color] = ICONS[run.status];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.tooltip = new vscode.MarkdownString().appendText(`${run.summary}\n\n${run.dir}`);
    item.accessibilityInformation = { label: `${run.summary}, ${row.description}` };
    item.contextValue = `run-${run.status}`;
    item.resourceUri = vscode.Uri.file(run.dir);
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
