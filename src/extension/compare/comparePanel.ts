// The comparison webview: one panel, reused for each new comparison. The host
// keeps the state and the point → run-folder map; the page gets the state on
// every `ready` (retainContextWhenHidden is off) and names points by id only.
import * as vscode from 'vscode';
import { makeNonce } from '../dashboard/html';
import { CompareToHostSchema, type HostToCompare } from '../../shared/protocol/compare';
import type { Built } from './compareModel';
import { compareHtml } from './html';

export const COMPARE_VIEW_TYPE = 'finetune.compare';

export class ComparePanel implements vscode.Disposable {
  private static current: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows `built` in the comparison panel (created on first use). */
  static show(extensionUri: vscode.Uri, built: Built, openRun: (runDir: string) => void, log: (line: string) => void): ComparePanel {
    const existing = ComparePanel.current;
    if (existing) {
      existing.built = built;
      existing.panel.title = built.state.title;
      existing.panel.reveal(undefined, false);
      existing.post();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, built.state.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    ComparePanel.current = new ComparePanel(panel, extensionUri, built, openRun, log);
    return ComparePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private built: Built,
    private readonly openRun: (runDir: string) => void,
    private readonly log: (line: string) => void,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'finetune.svg');
    const webview = panel.webview;
    const asUri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    webview.html = compareHtml({ cspSource: webview.cspSource, script: asUri('compare.js'), style: asUri('compare.css') }, makeNonce());
    this.disposables.push(webview.onDidReceiveMessage((raw) => this.receive(raw)), panel.onDidDispose(() => this.dispose()));
  }

  private receive(raw: unknown): void {
    const parsed = CompareToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`compare view: rejected message: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') this.post();
    else {
      const dir = this.built.runDirs.get(message.id);
      if (dir) this.openRun(dir);
    }
  }

  private post(): void {
    const message: HostToCompare = { type: 'state', state: this.built.state };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (ComparePanel.current !== this) return;
    ComparePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
