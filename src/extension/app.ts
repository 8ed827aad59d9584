// The extension's long-lived objects and the operations commands and the
// dashboard share: load a model, choose a dataset, start and stop training.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HostStore } from './state/store';
import { UtilityTrainer } from './trainer/utilityTrainer';
import { TrainingController } from './training';
import { LrFinderController } from './lrFinder';
import { LayersTreeProvider } from './views/layersTree';
import { RunsTreeProvider } from './views/runsTree';
import { DashboardController } from './dashboard/controller';
import { DashboardPanel } from './dashboard/panel';
import { RunStatusBar } from './statusBar';
import { backendSetting, defaultHyperparameters, runsFolder, threadsSetting } from './settings';
import { requireTrust } from './trust';
import { withCut, withTopK } from './state/freezePlan';
import { demoSpec } from '../engine/demo';
import type { LayerNode } from './views/layerTreeIndex';
import type { TrainSpec } from '../shared/trainSpec';
import { counted } from './views/format';
import { NextRunCheck } from './warnings/nextRunCheck';
import type { SpecResult } from './state/specBuilder';
import { WarningProblems } from './warnings/problems';

export class App implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('Finetune Studio');
  readonly store = new HostStore();
  readonly utility: UtilityTrainer;
  readonly training: TrainingController;
  readonly lrFinder: LrFinderController;
  readonly layers: LayersTreeProvider;
  readonly layersView: vscode.TreeView<LayerNode>;
  readonly runs: RunsTreeProvider;
  readonly dashboard: DashboardController;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'trainer.js').fsPath;
    const log = (line: string) => this.log.appendLine(line);
    this.store.trusted = vscode.workspace.isTrusted;
    this.store.hyper = defaultHyperparameters();
    this.utility = new UtilityTrainer(script, log);
    this.training = new TrainingController(this.store, script, log, () => void this.runs.refresh(), () => this.log.show(true));
    this.lrFinder = new LrFinderController(this.store, script, log);
    this.layers = new LayersTreeProvider(this.store);
    // Checkbox state is the plan's, not VS Code's parent/child propagation.
    this.layersView = vscode.window.createTreeView('finetune.layers', { treeDataProvider: this.layers, manageCheckboxStateManually: true, showCollapseAll: true });
    this.runs = new RunsTreeProvider(() => runsFolder(context), () => this.training.activeSince);
    // Several runs may be selected at once, for Compare Runs.
    const runsView = vscode.window.createTreeView('finetune.runs', { treeDataProvider: this.runs, canSelectMany: true });
    this.dashboard = new DashboardController(context.extensionUri, this.store, {
      chooseModel: () => void vscode.commands.executeCommand('finetune.openModel'),
      openDemo: () => void vscode.commands.executeCommand('finetune.openDemoModel'),
      chooseDataset: () => void vscode.commands.executeCommand('finetune.fineTuneFolder'),
      start: () => void this.startTraining(),
      // Stop ends whichever is running: a run, or the LR finder's sweep.
      stop: () => (this.lrFinder.active ? this.lrFinder.stop() : this.training.stop()),
      lrFind: () => void this.findLearningRate(),
      sweep: () => void vscode.commands.executeCommand('finetune.sweepCutPoints'),
      rescanDataset: () => {
        if (this.store.dataset) void this.setDataset(this.store.dataset.dir);
      },
      openFile: (file) => void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true, viewColumn: vscode.ViewColumn.Beside }),
    }, log);
    this.disposables.push(
      this.log,
      this.lrFinder,
      this.layers,
      this.layersView,
      this.layersView.onDidChangeCheckboxState((e) => this.layers.onCheckboxes(e.items)),
      this.runs,
      runsView,
      this.dashboard,
      new RunStatusBar(this.store),
      { dispose: this.store.subscribe({ changed: (s) => s.has('model') && this.describeLayersView() }) },
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.store.setTrusted(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('finetune.runsFolder')) void this.runs.refresh();
      }),
    );
    this.disposables.push(
      new WarningProblems(this.store, log),
      new NextRunCheck(this.store, {
        spec: () => this.nextSpec(),
        check: (spec) => this.utility.request('warnings', { spec }),
        log,
      }),
    );
    // The Runs view reads the disk only once it is shown.
    if (runsView.visible) void this.runs.refresh();
    this.disposables.push(runsView.onDidChangeVisibility((e) => e.visible && void this.runs.refresh()));
  }

  private describeLayersView(): void {
    const m = this.store.model;
    this.layersView.description = m ? `${m.summary.name} · ${counted(m.summary.layers.length, 'layer')}` : undefined;
  }

  get demoModelDir(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'media', 'demo', 'model').fsPath;
  }

  get demoDatasetDir(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'media', 'demo', 'dataset').fsPath;
  }

  showDashboard(): void {
    this.dashboard.show();
  }

  /** Loads a model folder's summary in the trainer and makes it the open model; `note` tells the user why it opened. */
  async loadModel(dir: string, note: string | null = null): Promise<boolean> {
    if (this.training.active || this.lrFinder.active) {
      void vscode.window.showWarningMessage('Finetune: stop the current training or LR finder before opening another model.');
      return false;
    }
    try {
      const summary = await vscode.window.withProgress(
        { location: { viewId: 'finetune.layers' }, title: 'Loading model…' },
        () => this.utility.request('summarize', { modelDir: dir }),
      );
      this.store.setModel(dir, summary, note);
      if (dir === this.demoModelDir) this.applyDemoSettings();
      this.log.appendLine(`opened ${dir}: ${summary.layers.length} layers, ${summary.totalParams} params`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`Finetune: could not open the model. ${message}`);
      return false;
    }
  }

  /**
   * The demo's own settings (src/engine/demo.ts, what `npm run demo` runs and
   * media/demo/README.md measures): cut, plan and hyperparameters, so that
   * Start on the demo gives the documented accuracy. Hyperparameters the user
   * edited are kept; the dashboard offers the demo's values for them.
   */
  private applyDemoSettings(): void {
    const spec = demoSpec(path.dirname(path.dirname(this.demoModelDir)), '');
    const m = this.store.model;
    if (!m || !this.store.plan) return;
    const cut = spec.cut === undefined ? undefined : m.planModel.idOf(spec.cut);
    let plan = cut === undefined ? this.store.plan : withCut(m.planModel, this.store.plan, cut);
    const top = typeof spec.train === 'string' ? /^top:(\d+)$/.exec(spec.train) : null;
    if (top) plan = withTopK(m.planModel, plan, Number(top[1]));
    this.store.setPlan(plan);
    this.store.suggest('the demo model', {
      optimizer: spec.optimizer,
      learningRate: spec.learningRate,
      batchSize: spec.batchSize,
      epochs: spec.epochs,
      seed: spec.seed,
      dropout: spec.dropout,
      earlyStoppingPatience: spec.earlyStoppingPatience,
    });
  }

  /** Makes a folder the dataset and scans it for the health report. */
  async setDataset(dir: string): Promise<void> {
    if (this.training.active || this.lrFinder.active) return;
    this.store.setDataset(dir, path.basename(dir));
    const { validationSplit, seed } = this.store.hyper;
    const scan = this.utility.request('health', { dataDir: dir, validationSplit, seed });
    // A big folder takes a while: after a moment, show progress with a Cancel,
    // which ends the utility process (the next request starts a fresh one).
    let finished = false;
    const slow = setTimeout(() => {
      if (finished) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Finetune: scanning ${path.basename(dir)}…`, cancellable: true }, (_p, token) => {
        token.onCancellationRequested(() => void this.utility.dispose());
        return scan.catch(() => undefined);
      });
    }, 1500);
    try {
      this.store.setHealth(dir, await scan, null);
    } catch (error) {
      this.store.setHealth(dir, null, error instanceof Error ? error.message : String(error));
    } finally {
      finished = true;
      clearTimeout(slow);
    }
  }

  /** The spec Start sends now, or why there is none; the warnings check asks for the same. */
  private async nextSpec(): Promise<SpecResult> {
    const { buildSpec } = await import('./state/specBuilder'); // zod, loaded on first use
    return buildSpec(this.store, runsFolder(this.context).fsPath, backendSetting(), threadsSetting());
  }

  async startTraining(): Promise<void> {
    const spec = await this.currentSpec('Training');
    if (spec) this.training.start({ kind: 'train', spec });
  }

  /** The dashboard's LR Finder: sweeps the spec Start would train, without making a run folder. */
  async findLearningRate(): Promise<void> {
    const spec = await this.currentSpec('The LR finder');
    if (spec) this.lrFinder.start(spec);
  }

  /** The spec for the dashboard's model, plan, dataset and hyperparameters; undefined (and the user told why) when nothing may start. */
  private async currentSpec(what: string): Promise<TrainSpec | undefined> {
    if (!requireTrust(what)) return undefined;
    if (this.training.active || this.lrFinder.active) {
      void vscode.window.showInformationMessage(`Finetune: ${this.training.active ? 'a training run' : 'the LR finder'} is already in progress.`);
      return undefined;
    }
    const built = await this.nextSpec();
    if (!built.ok) {
      void vscode.window.showWarningMessage(`Finetune: ${built.reason}`);
      return undefined;
    }
    return built.spec;
  }

  async dispose(): Promise<void> {
    DashboardPanel.instance?.dispose();
    await Promise.all([this.training.shutdown(), this.utility.dispose()]);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
