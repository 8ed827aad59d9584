// The Runs view's row for a sweep: its members underneath, its best figure
// in the description, Resume while members are left, and a click that opens
// its comparison.
import * as vscode from 'vscode';
import type { SweepInfo } from '../runs/sweepInfo';
import { percent } from './format';

const COLORS: Record<SweepInfo['status'], string> = { running: 'charts.blue', completed: 'charts.green', interrupted: 'charts.yellow' };

export function sweepTreeItem(sweep: SweepInfo): vscode.TreeItem {
  const item = new vscode.TreeItem(sweep.id, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = sweep.dir;
  const best = sweep.best ? `best ${percent(sweep.best.valAccuracy)} (${sweep.best.label})` : 'no result yet';
  item.description = `sweep · ${sweep.status} · ${sweep.candidates} candidates · ${best}`;
  item.iconPath = new vscode.ThemeIcon(sweep.status === 'running' ? 'sync~spin' : 'beaker', new vscode.ThemeColor(COLORS[sweep.status]));
  item.tooltip = new vscode.MarkdownString().appendText(`${sweep.dir}\n\n${sweep.members.length} runs · ${best}`);
  item.contextValue = `sweep-${sweep.status}`;
  item.command = { command: 'finetune.openSweepComparison', title: 'Open Comparison', arguments: [sweep] };
  return item;
}
