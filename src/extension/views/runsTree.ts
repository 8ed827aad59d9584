// The Runs view: this workspace's runs, newest first, with status and best
// validation accuracy. An interrupted run offers Resume.
import * as vscode from 'vscode';
import { runRow, type RunInfo } from '../runs/runInfo';
import { listRuns } from '../runs/runsIndex';

// Each status has its own shape, not only its own colour: the icon alone says how a run ended.
const ICONS: Record<RunInfo['status'], [string, string]> = {
  running: ['sync~spin', 'charts.blue'],
  completed: ['pass', 'charts.green'],
  stopped: ['stop-circle', 'charts.yellow'],
  failed: ['error', 'errorForeground'],
  interrupted: ['debug-pause', 'charts.orange'],
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
