// The warnings in VS Code's Problems panel: a DiagnosticCollection named
// `finetune`, one Warning per warning (source `Finetune`, code the warning's
// id), and a quick fix wherever the warning has a fix.
//
// Where they sit. During and after a run: the run folder's spec.json, on the
// line of the field each warning is about. Before a run there is no file yet,
// and the dataset folder cannot host them usefully: the Problems panel lists
// a folder's diagnostics, but quick fixes come from code-action providers,
// which VS Code asks only for a text document (the Problems panel's fix
// button and the lightbulb both need the resource's text model), and opening
// a folder marker opens nothing. So before a run they sit on a read-only
// virtual document, `finetune:/next-run.spec.json`, which shows the very spec
// Start would send; a click in the Problems panel opens it at the field, and
// its lightbulb offers the fix. The fix changes the dashboard's settings,
// never a spec file: a run's spec.json stays the record of how it ran.
import * as vscode from 'vscode';
import type { HostStore } from '../state/store';
import type { RunWarning } from '../../shared/warnings';
import { diagnosticPlace, specText, warningDiagnostics } from './diagnosticMap';

export const NEXT_RUN_URI = vscode.Uri.from({ scheme: 'finetune', path: '/next-run.spec.json' });
export const APPLY_FIX_COMMAND = 'finetune.applyWarningFix';

/** What a quick fix passes to APPLY_FIX_COMMAND. */
interface FixArgs {
  label: string;
  patch: unknown;
  /** From a run's spec.json: the fix applies to the next run, which the message says. */
  fromRunSpec: boolean;
}

export class WarningProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('finetune');
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Bumped on every refresh, so a slow spec.json read never overwrites a newer state. */
  private refreshes = 0;

  constructor(
    private readonly store: HostStore,
    private readonly log: (line: string) => void,
  ) {
    this.disposables.push(
      this.collection,
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider('finetune', { onDidChange: this.changed.event, provideTextDocumentContent: (uri) => this.content(uri) }),
      vscode.languages.registerCodeActionsProvider(
        [{ scheme: 'finetune' }, { scheme: 'file', pattern: '**/spec.json' }],
        { provideCodeActions: (doc, _range, context) => this.quickFixes(doc, context) },
        { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
      ),
      vscode.commands.registerCommand(APPLY_FIX_COMMAND, (args: FixArgs) => this.applyFix(args)),
      { dispose: store.subscribe({ changed: (sections) => sections.has('warnings') && void this.refresh() }) },
    );
  }

  private content(uri: vscode.Uri): string {
    if (uri.toString() !== NEXT_RUN_URI.toString()) return '';
    const target = this.store.warnings.target;
    return target.kind === 'nextRun' && target.spec ? specText(target.spec) : '{}\n';
  }

  /** Replaces every Finetune diagnostic with the store's warnings, on the file they belong to. */
  async refresh(): Promise<void> {
    const turn = ++this.refreshes;
    const { items, target } = this.store.warnings;
    const where = diagnosticPlace(target);
    let place: { uri: vscode.Uri; text: string } | null = null;
    if (where?.kind === 'nextRun') {
      place = { uri: NEXT_RUN_URI, text: where.text };
      this.changed.fire(NEXT_RUN_URI);
    } else if (where?.kind === 'runSpec') {
      const uri = vscode.Uri.file(where.file);
      const text = await vscode.workspace.fs.readFile(uri).then(
        (bytes) => new TextDecoder().decode(bytes),
        (error: unknown) => (this.log(`warnings: could not read ${where.file}: ${String(error)}`), ''),
      );
      place = { uri, text };
    }
    if (turn !== this.refreshes) return;
    this.collection.clear();
    if (!place || items.length === 0) return;
    this.collection.set(place.uri, warningDiagnostics(items, place.text).map((d) => {
      const r = d.range;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), d.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = d.source;
      diagnostic.code = d.code;
      return diagnostic;
    }));
  }

  private quickFixes(doc: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const fromRunSpec = doc.uri.scheme === 'file';
    return context.diagnostics.flatMap((diagnostic) => {
      if (diagnostic.source !== 'Finetune' || typeof diagnostic.code !== 'string') return [];
      // Only what the store shows now: a diagnostic left from an older state offers nothing.
      const fix = this.store.warnings.fixFor(diagnostic.code as RunWarning['id']);
      if (!fix) return [];
      const action = new vscode.CodeAction(fix.label, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      const args: FixArgs = { label: fix.label, patch: fix.patch, fromRunSpec };
      action.command = { command: APPLY_FIX_COMMAND, title: fix.label, arguments: [args] };
      return [action];
    });
  }

  private async applyFix(args: FixArgs | undefined): Promise<void> {
    const { applyWarningPatch } = await import('./applyFix'); // zod, loaded on first use
    const result = applyWarningPatch(this.store, args?.patch);
    if (!result.ok) {
      this.log(`warnings: fix refused: ${result.error}`);
      void vscode.window.showErrorMessage(`Finetune: ${result.error}`);
      return;
    }
    const label = typeof args?.label === 'string' ? args.label.slice(0, 200) : 'Fix applied';
    const next = args?.fromRunSpec ? " It changes the dashboard's settings for the next run; this run's spec.json stays as it ran." : '';
    void vscode.window.showInformationMessage(`Finetune: ${label}.${next}`);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
