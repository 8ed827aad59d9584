// Stand-ins for the few `vscode` classes and functions the extension code the
// UI benchmarks run needs (layersTree.ts, training.ts, statusBar.ts, the
// dashboard controller and panel). bench/ui-bench.ts bundles bench/ui-host.ts
// with esbuild and `alias: { vscode: './bench/vscodeStub.ts' }`, so the real
// tree, store, trainer client and controller code runs; only these classes
// are stand-ins. They do the least VS Code's own would: hold fields, fire
// events, and for the webview serialize what is posted (as VS Code must).

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(data: T): void {
    for (const l of [...this.listeners]) l(data);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export enum TreeItemCheckboxState {
  Unchecked = 0,
  Checked = 1,
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  checkboxState?: unknown;
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

/** Same escaping rule as VS Code's appendText: Markdown punctuation gets a backslash. */
export class MarkdownString {
  value = '';
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&').replace(/\n/g, '\n\n');
    return this;
  }
  appendMarkdown(markdown: string): this {
    this.value += markdown;
    return this;
  }
}

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(path: string): Uri {
    return new Uri(path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri([base.fsPath, ...parts].join('/'));
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

/** What the bench reads back: messages posted to the page and their serialized size. */
export const webviewTraffic = { messages: 0, bytes: 0 };
/** Notifications the code showed (text only). */
export const notifications: string[] = [];

class StubWebview {
  html = '';
  readonly cspSource = 'vscode-resource:';
  readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  asWebviewUri(uri: Uri): Uri {
    return uri;
  }
  postMessage(message: unknown): Promise<boolean> {
    // VS Code serializes every posted message for the renderer; do the same work.
    const text = JSON.stringify(message);
    webviewTraffic.messages++;
    webviewTraffic.bytes += text.length;
    return Promise.resolve(true);
  }
}

class StubWebviewPanel {
  readonly webview = new StubWebview();
  visible = true;
  iconPath?: Uri;
  private readonly viewState = new EventEmitter<void>();
  private readonly disposed = new EventEmitter<void>();
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposed.event;
  reveal(): void {
    this.visible = true;
  }
  dispose(): void {
    this.visible = false;
    this.disposed.fire();
  }
}

class StubStatusBarItem {
  text = '';
  tooltip = '';
  name = '';
  command = '';
  shown = false;
  show(): void {
    this.shown = true;
  }
  hide(): void {
    this.shown = false;
  }
  dispose(): void {
    this.shown = false;
  }
}

export const window = {
  showInformationMessage(message: string): Promise<undefined> {
    notifications.push(message);
    return Promise.resolve(undefined);
  },
  showWarningMessage(message: string): Promise<undefined> {
    notifications.push(message);
    return Promise.resolve(undefined);
  },
  showErrorMessage(message: string): Promise<undefined> {
    notifications.push(message);
    return Promise.resolve(undefined);
  },
  withProgress<R>(_options: unknown, task: (progress: { report(value: unknown): void }, token: { isCancellationRequested: boolean; onCancellationRequested: (l: Listener<void>) => Disposable }) => Promise<R>): Promise<R> {
    const cancel = new EventEmitter<void>();
    return task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: cancel.event });
  },
  createStatusBarItem(): StubStatusBarItem {
    return new StubStatusBarItem();
  },
  createWebviewPanel(): StubWebviewPanel {
    return new StubWebviewPanel();
  },
};

export type { StubWebviewPanel as WebviewPanel };
