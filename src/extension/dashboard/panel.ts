// The dashboard webview panel: one at a time, created on demand. It holds no
// state of its own; the host store does. `retainContextWhenHidden` is off, so
// a hidden panel's page is torn down and, when shown again, asks for a
// snapshot on `ready`.
import * as vscode from 'vscode';
import { dashboardHtml, makeNonce } from './html';

export const DASHBOARD_VIEW_TYPE = 'finetune.dashboard';

export interface DashboardHooks {
  /** An already-parsed-as-JSON message from the page; the hook validates it. */
  onMessage(panel: DashboardPanel, raw: unknown): void;
  onDispose?(): void;
}

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  static show(extensionUri: vscode.Uri, hooks: DashboardHooks): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal(undefined, false);
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Finetune Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, hooks);
    return DashboardPanel.current;
  }

  static get instance(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly hooks: DashboardHooks,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'finetune.svg');
    const webview = panel.webview;
    const asUri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    webview.html = dashboardHtml({ cspSource: webview.cspSource, script: asUri('webview.js'), style: asUri('webview.css') }, makeNonce());
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => hooks.onMessage(this, raw)),
      // The page is discarded while hidden; it will announce itself again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The page said `ready`: deltas may flow from now on. */
  markReady(): void {
    this.ready = true;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Posts only to a live page; a hidden one will take a snapshot when it returns. */
  post(message: unknown): void {
    if (!this.ready || !this.panel.visible) return;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (DashboardPanel.current !== this) return;
    DashboardPanel.current = undefined;
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.hooks.onDispose?.();
  }
}
