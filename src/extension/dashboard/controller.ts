// Connects the host store to the dashboard page: a snapshot on `ready`, then
// coalesced patches and metric deltas; and every message from the page is
// validated before anything acts on it. The page never names a path: files
// are opened by host-issued id.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../../shared/protocol/webview';
import type { HostStore } from '../state/store';
import { Coalescer, type Pending } from '../state/coalescer';
import { withCut, withLayers, withPreset, withTopK } from '../state/freezePlan';
import { DashboardPanel } from './panel';
import { NUMBER_FIELDS, fieldRule, type NumberKey } from '../../shared/hyperFields';
import type { WarningId } from '../../shared/warnings';

/** What the page can ask for that needs VS Code UI or the trainer. */
export interface DashboardActions {
  chooseModel(): void;
  openDemo(): void;
  chooseDataset(): void;
  start(): void;
  /** Stops the run or the LR finder, whichever is running. */
  stop(): void;
  /** Runs the LR finder with what Start would train. */
  lrFind(): void;
  /** Sweep Cut Points…, with the model and dataset chosen here. */
  sweep(): void;
  openFile(file: string): void;
  /** The split settings changed: the health report's counts must be recomputed. */
  rescanDataset(): void;
}

// The schemas (zod) load with the first message, not at activation. Every
// message awaits the same promise, so they are still handled in order.
let protocol: Promise<typeof import('../../shared/protocol/webview')> | undefined;
const loadProtocol = () => (protocol ??= import('../../shared/protocol/webview'));

/** A refused message in plain words: a hyperparameter's rule ("Epochs must be a whole number from 1 to 10,000"), else the schema's. */
function rejectionText(raw: unknown, schemaError: string): string {
  const values = (raw as { type?: unknown; values?: unknown } | null)?.type === 'setHyper' ? (raw as { values?: unknown }).values : undefined;
  const key = values && typeof values === 'object' ? Object.keys(values).find((k): k is NumberKey => k in NUMBER_FIELDS) : undefined;
  return key ? `${fieldRule(key)}. The value in force was kept.` : `Not accepted: ${schemaError.slice(0, 300)}`;
}

export class DashboardController implements vscode.Disposable {
  private readonly coalescer = new Coalescer((p) => this.deliver(p));
  private readonly unsubscribe: () => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: HostStore,
    private readonly actions: DashboardActions,
    private readonly log: (line: string) => void,
  ) {
    this.unsubscribe = store.subscribe({
      changed: (sections) => this.live() && this.coalescer.sections(sections),
      metrics: (batches, epochs, reset) => this.live() && this.coalescer.metrics(batches, epochs, reset),
    });
  }

  show(): DashboardPanel {
    return DashboardPanel.show(this.extensionUri, {
      onMessage: (panel, raw) => void this.onMessage(panel, raw),
      onDispose: () => this.coalescer.discard(),
    });
  }

  private live(): boolean {
    return DashboardPanel.instance?.isReady === true;
  }

  private post(message: HostToWebview): void {
    DashboardPanel.instance?.post(message);
  }

  private deliver(p: Pending): void {
    if (p.reset || p.batches.length > 0 || p.epochs.length > 0) this.post({ type: 'metrics', reset: p.reset, batches: p.batches, epochs: p.epochs });
    if (p.sections.size > 0) {
      const state: Record<string, unknown> = {};
      for (const key of p.sections) state[key] = this.store.section(key);
      this.post({ type: 'patch', state });
    }
  }

  private async onMessage(panel: DashboardPanel, raw: unknown): Promise<void> {
    const { parseWebviewMessage } = await loadProtocol();
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log(`dashboard: rejected a message (${parsed.error})`);
      // Say why in the user's words, and re-send the hyperparameters so a rejected field shows the value in force.
      this.post({ type: 'notice', level: 'error', message: rejectionText(raw, parsed.error) });
      this.post({ type: 'patch', state: { hyper: this.store.hyper } });
      return;
    }
    try {
      this.handle(panel, parsed.message);
    } catch (error) {
      this.log(`dashboard: ${parsed.message.type} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private handle(panel: DashboardPanel, message: WebviewToHost): void {
    const store = this.store;
    const m = store.model;
    const plan = store.plan;
    switch (message.type) {
      case 'ready':
        // Everything pending is in the snapshot; the page was rebuilt from scratch.
        this.coalescer.discard();
        panel.markReady();
        this.post({ type: 'snapshot', state: store.snapshot(), batches: store.history.batches.toArray(), epochs: store.history.epochs.toArray() });
        return;
      case 'chooseModel':
        return this.actions.chooseModel();
      case 'openDemo':
        return this.actions.openDemo();
      case 'chooseDataset':
        return this.actions.chooseDataset();
      case 'start':
        return this.actions.start();
      case 'sweep':
        return this.actions.sweep();
      case 'stop':
        return this.actions.stop();
      case 'lrFind':
        return this.actions.lrFind();
      case 'useLrSuggestion':
        return this.useLrSuggestion(message.learningRate);
      case 'setHyper': {
        if (store.machine.active) return;
        const v = message.values;
        const resplit = (v.validationSplit !== undefined && v.validationSplit !== store.hyper.validationSplit) || (v.seed !== undefined && v.seed !== store.hyper.seed);
        store.editHyper(v);
        if (resplit && store.dataset) this.actions.rescanDataset();
        return;
      }
      case 'openFile': {
        const file = store.files.resolve(message.fileId);
        if (file) this.actions.openFile(file);
        else this.log(`dashboard: unknown file id ${message.fileId}`);
        return;
      }
      case 'showCell':
        return this.showCell(message.actual, message.predicted);
      case 'applyWarningFix':
        return void this.applyWarningFix(message.warning);
      case 'useSuggested': {
        if (store.machine.active) return;
        const before = store.hyper;
        store.useSuggestion();
        if (store.dataset && (before.validationSplit !== store.hyper.validationSplit || before.seed !== store.hyper.seed)) this.actions.rescanDataset();
        return;
      }
    }
    // The rest edit the freeze plan, which needs a model and no run (or sweep of the plan) in progress.
    if (!m || !plan || store.machine.active || store.lrFinder.active) return;
    const pm = m.planModel;
    switch (message.type) {
      case 'setPreset':
        return store.setPlan(withPreset(pm, plan, message.preset));
      case 'setTopK':
        return store.setPlan(withTopK(pm, plan, message.k));
      case 'setLayer':
        return store.setPlan(withLayers(pm, plan, [message.layerId], message.trainable));
      case 'setBlock': {
        const block = pm.blocks[message.blockId];
        if (block) store.setPlan(withLayers(pm, plan, block.layers, message.trainable));
        return;
      }
      case 'setCut':
        return store.setPlan(withCut(pm, plan, message.layerId));
    }
  }

  /** "Use 3.2e-4": the LR finder's suggestion becomes the learning rate, as the user's own edit; refused (and said why) otherwise. */
  private useLrSuggestion(learningRate: number): void {
    const checked = this.store.machine.active ? { ok: false as const, message: 'The learning rate cannot change while training runs.' } : this.store.lrFinder.checkSuggestion(learningRate);
    if (checked.ok) this.store.editHyper({ learningRate: checked.lr });
    else this.post({ type: 'notice', level: 'error', message: checked.message });
  }

  /** The fix the host offers for a warning it shows; the page only names the warning. */
  private async applyWarningFix(id: WarningId): Promise<void> {
    const fix = this.store.warnings.fixFor(id);
    if (!fix) {
      this.post({ type: 'notice', level: 'error', message: 'That warning has no fix to apply any more.' });
      return;
    }
    const { applyWarningPatch } = await import('../warnings/applyFix'); // zod, loaded on first use
    const result = applyWarningPatch(this.store, fix.patch);
    this.post(result.ok ? { type: 'notice', level: 'info', message: `${fix.label}: done.` } : { type: 'notice', level: 'error', message: result.error });
  }

  private showCell(actual: number, predicted: number): void {
    const result = this.store.result;
    const rel = result?.confusion.files[actual]?.[predicted];
    const root = this.store.dataset?.dir;
    if (!rel || !root) {
      this.post({ type: 'cellFiles', actual, predicted, files: [] });
      return;
    }
    // Only files inside the dataset folder get an id, whatever the result claims.
    const inside = (abs: string) => abs.startsWith(path.resolve(root) + path.sep);
    const files = rel
      .slice(0, 500)
      .map((r) => ({ abs: path.resolve(root, r), name: r }))
      .filter((f) => inside(f.abs))
      .map((f) => ({ id: this.store.files.idFor(f.abs), name: f.name }));
    this.post({ type: 'cellFiles', actual, predicted, files });
  }

  dispose(): void {
    this.unsubscribe();
    this.coalescer.dispose();
  }
}
