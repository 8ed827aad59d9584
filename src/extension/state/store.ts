// The host's state: the open model, the freeze plan, the dataset, the
// hyperparameters, the run and its metric history. The tree, the dashboard
// and the status bar all render from here; nothing else keeps a copy.
// Pure (no vscode), so its rules are unit-tested.
import type { ModelSummary } from '../../shared/summary';
import type { HealthReport } from '../../shared/health';
import type { RunResult, TrainEvent } from '../../shared/events';
import type { BatchPoint, DashboardState, DatasetView, EpochPoint, Hyperparameters, RunView } from '../../shared/protocol/webview';
import { adapterText } from '../../shared/format';
import { MetricHistory } from './metricHistory';
import { DEFAULT_HYPER, IDLE_RUN } from './defaults';
import { RunMachine } from './runMachine';
import { PlanModel, initialPlan, type FreezePlan } from './freezePlan';
import { FileRegistry } from './fileRegistry';
import { buildSection, type Section } from './dashboardView';
import { outcomeLine, outcomeOf, unsavedOutcome, type RunOutcome } from '../../shared/runOutcome';
import { splitSuggestion, type HyperKey, type Suggestion } from './suggestions';
import { LayerSignals } from './layerSignals';
import { LrFinderState } from './lrFinderState';
import { WarningState } from '../warnings/warningState';

export interface StoreListener {
  /** Sections of the dashboard state that changed. */
  changed?(sections: Set<Section>): void;
  /** New metric points; `reset` when a new run cleared the history. */
  metrics?(batches: BatchPoint[], epochs: EpochPoint[], reset: boolean): void;
}

export class HostStore {
  trusted = true;
  model: { dir: string; summary: ModelSummary; planModel: PlanModel; note: string | null } | null = null;
  plan: FreezePlan | null = null;
  hyper: Hyperparameters = { ...DEFAULT_HYPER };
  dataset: { dir: string; view: Omit<DatasetView, 'skippedFiles'> } | null = null;
  /** Hyperparameters the user changed in the dashboard: a model's suggestion never overwrites them silently. */
  readonly edited = new Set<HyperKey>();
  suggestion: Suggestion | null = null;
  readonly machine = new RunMachine();
  run: RunView = { ...IDLE_RUN };
  result: RunResult | null = null;
  readonly files = new FileRegistry();
  /** The classic mistakes of the next run, or of the run in progress or last run. */
  readonly warnings = new WarningState();
  /** The run's charts: batch and epoch points, and the live ETA. */
  readonly history: MetricHistory;
  /** The run's per-layer learning signal and its frozen-layer check. */
  readonly layerSignals = new LayerSignals(() => this.emit('layerSignal'));
  /** The LR finder's sweep or its last result. */
  readonly lrFinder = new LrFinderState(() => this.emit('lrFinder'));
  private readonly listeners = new Set<StoreListener>();

  constructor(now: () => number = () => Date.now()) {
    this.history = new MetricHistory(now);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(...sections: Section[]): void {
    const set = new Set(sections);
    for (const l of this.listeners) l.changed?.(set);
  }

  private emitMetrics(batches: BatchPoint[], epochs: EpochPoint[], reset: boolean): void {
    for (const l of this.listeners) l.metrics?.(batches, epochs, reset);
  }

  get numClasses(): number | null {
    const n = this.dataset?.view.health?.classes.length;
    return n && n > 0 ? n : null;
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.emit('trusted');
  }

  /** Opens a model; `note` says something the user should know (e.g. it was opened for them). Earlier results leave the screen. */
  setModel(dir: string, summary: ModelSummary, note: string | null = null): void {
    const planModel = new PlanModel(summary);
    this.model = { dir, summary, planModel, note };
    this.plan = initialPlan(planModel);
    this.suggestion = null;
    // The input range answers what one model expects: another model starts from its own again.
    const rangeReset = this.hyper.inputRange !== 'auto';
    if (rangeReset) this.hyper = { ...this.hyper, inputRange: 'auto' };
    this.emit('model', 'layers', 'plan', 'suggestion', ...(rangeReset ? (['hyper'] as const) : []));
    this.lrFinder.clear();
    this.clearFinishedRun();
    this.updateWarnings((w) => w.clear());
  }

  /** Replaces the plan (after a tree toggle, a preset, a cut); every view re-renders from it. */
  setPlan(plan: FreezePlan): void {
    if (plan === this.plan) return;
    this.plan = plan;
    this.emit('layers', 'plan');
    this.lrFinder.clear(); // it swept the layers of the old plan
  }

  setHyper(values: Partial<Hyperparameters>): void {
    this.hyper = { ...this.hyper, ...values };
    this.emit('hyper', 'suggestion');
  }

  /** The user's own edit in the dashboard: remembered, so no suggestion overwrites it. */
  editHyper(values: Partial<Hyperparameters>): void {
    for (const key of Object.keys(values) as HyperKey[]) this.edited.add(key);
    this.setHyper(values);
  }

  /**
   * Settings a model suggests (the demo's, a catalog entry's): fields the user
   * has not edited take them at once; edited ones keep the user's value and
   * the difference is offered until the user chooses.
   */
  suggest(source: string, values: Partial<Hyperparameters>): void {
    const { apply, offer } = splitSuggestion(this.hyper, this.edited, values);
    this.suggestion = Object.keys(offer).length > 0 ? { source, pending: offer } : null;
    this.setHyper(apply);
  }

  /** "Use the model's suggested settings": the offered values replace the user's edits. */
  useSuggestion(): void {
    const s = this.suggestion;
    if (!s) return;
    this.suggestion = null;
    for (const key of Object.keys(s.pending) as HyperKey[]) this.edited.delete(key);
    this.setHyper(s.pending);
  }

  /** Chooses a dataset folder; results of an earlier run leave the screen (they stay in Runs). */
  setDataset(dir: string, label: string): void {
    this.dataset = { dir, view: { label, path: dir, scanning: true, error: null, health: null } };
    this.files.clear();
    this.emit('dataset', 'plan');
    this.lrFinder.clear();
    this.clearFinishedRun();
    this.updateWarnings((w) => w.clear());
  }

  /**
   * After a model or dataset change, the status, charts and results of a
   * finished run belong to an earlier choice: the dashboard goes back to
   * Ready. A run in progress is left alone (changes are refused then anyway).
   */
  private clearFinishedRun(): void {
    if (this.machine.active || (this.run.phase === 'idle' && !this.result)) return;
    this.machine.reset();
    this.run = { ...IDLE_RUN };
    this.result = null;
    this.history.reset();
    this.layerSignals.reset();
    this.emit('run', 'results');
    this.emitMetrics([], [], true);
  }

  /** Changes the warnings (a check begun or answered, another model or dataset): the views re-render unless `change` returns false. */
  updateWarnings<T>(change: (warnings: WarningState) => T): T {
    const result = change(this.warnings);
    if (result !== false) this.emit('warnings');
    return result;
  }

  setHealth(dir: string, health: HealthReport | null, error: string | null): void {
    if (!this.dataset || this.dataset.dir !== dir) return; // a late answer for a folder no longer chosen
    this.dataset.view = { ...this.dataset.view, scanning: false, health, error };
    this.emit('dataset', 'plan');
  }

  /**
   * A new run begins: history cleared (or seeded with the epochs a resumed run
   * already has), results gone. False when one is already active.
   */
  beginRun(runName: string, epochs: number, history: EpochPoint[] = []): boolean {
    if (!this.machine.start()) return false;
    this.history.reset(history);
    this.layerSignals.reset();
    this.result = null;
    this.run = { ...IDLE_RUN, phase: 'starting', runName, epochs, message: 'Starting the trainer…' };
    this.emit('run', 'results');
    this.emitMetrics([], history, true);
    return true;
  }

  /**
   * Shows a finished run's epoch history (opened from the comparison view)
   * while no run is active; the chart and epoch table fill as if it had just
   * run. False while a run is active: its live charts win.
   */
  showHistory(runName: string, history: EpochPoint[], message: string): boolean {
    if (this.machine.active) return false;
    this.history.reset(history);
    this.layerSignals.reset();
    this.result = null;
    this.files.clear();
    const last = history.at(-1)?.epoch ?? 0;
    this.run = { ...IDLE_RUN, runName, epoch: last, epochs: last, message };
    this.emit('run', 'results');
    this.emitMetrics([], history, true);
    return true;
  }

  requestStop(): boolean {
    if (!this.machine.stop()) return false;
    this.run = { ...this.run, phase: 'stopping', message: 'Stopping at the end of this batch…' };
    this.emit('run');
    return true;
  }

  /** Folds one training event into the state. */
  applyEvent(event: TrainEvent): void {
    if (!this.machine.active) return; // events after the end (or from an old run) are ignored
    if (this.machine.phase === 'starting') this.machine.running();
    const phase = this.machine.phase;
    switch (event.type) {
      case 'log':
        if (event.level === 'warn') this.run = { ...this.run, phase, message: event.message };
        break;
      case 'backend':
        this.run = { ...this.run, phase, backend: event.report.name, device: event.report.adapter ? adapterText(event.report.adapter) : event.report.gpu ? 'GPU' : 'CPU' };
        break;
      case 'health':
        if (this.dataset) this.dataset.view = { ...this.dataset.view, scanning: false, health: event.report };
        this.emit('dataset');
        return;
      case 'plan':
        this.run = { ...this.run, phase, message: `Training ${event.trainableParams.toLocaleString('en-US')} of ${event.totalParams.toLocaleString('en-US')} params` };
        break;
      case 'progress':
        this.run = { ...this.run, phase, stage: { name: event.stage, done: event.done, total: event.total }, etaMs: event.etaMs };
        break;
      case 'batch': {
        const { point, etaMs } = this.history.addBatch(event, this.run.epochs);
        this.run = { ...this.run, phase, stage: null, epoch: event.epoch, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch, imagesPerSec: event.imagesPerSec, etaMs: etaMs ?? this.run.etaMs };
        this.emitMetrics([point], [], false);
        break;
      }
      case 'epoch': {
        const point: EpochPoint = { epoch: event.epoch, loss: event.loss, accuracy: event.accuracy, valLoss: event.valLoss, valAccuracy: event.valAccuracy };
        this.history.addEpoch(point);
        this.run = { ...this.run, phase, stage: null, epoch: event.epoch, epochs: event.epochs, etaMs: event.etaMs };
        this.emitMetrics([], [point], false);
        if (event.layers) this.layerSignals.addEpoch(event.epoch, event.layers);
        break;
      }
      case 'frozen':
        this.layerSignals.setFrozen(event.verified, event.changed);
        return;
      case 'warnings':
      case 'runFolder':
        return this.updateWarnings((w) => w.applyEvent(event));
      case 'done':
        this.finishRun(event.result);
        return;
      case 'error':
        this.failRun(event.message);
        return;
    }
    this.emit('run');
  }

  finishRun(result: RunResult): void {
    const outcome = result.stopReason === 'cancelled' ? 'cancelled' : 'completed';
    if (!this.machine.finish(outcome)) return;
    this.result = result;
    this.end(outcome, outcomeOf(result), 0);
    this.emit('results');
  }

  /**
   * The run ended on Stop without a saved model: Stop during start-up,
   * decoding or feature extraction ("Stopped before training"), or a trainer
   * killed because it did not stop in time. A stop, never a failure.
   */
  stoppedWithoutModel(): void {
    if (!this.machine.finish('cancelled')) return;
    this.end('cancelled', unsavedOutcome('stopped', undefined, this.history.epochs.length), null);
  }

  failRun(message: string): void {
    if (!this.machine.finish('failed')) return;
    this.end('failed', unsavedOutcome('failed', message), null);
  }

  /** The end of a run, described by the same line the Runs view shows for its folder. */
  private end(phase: 'completed' | 'cancelled' | 'failed', outcome: RunOutcome, etaMs: number | null): void {
    const line = outcomeLine(outcome);
    this.run = { ...this.run, phase, etaMs, stage: null, message: line, outcome: line };
    this.emit('run');
  }

  /** One section of the dashboard state, built on demand (patches send only what changed). */
  section<K extends Section>(key: K): DashboardState[K] {
    return buildSection(this, key) as DashboardState[K];
  }

  snapshot(): DashboardState {
    return {
      trusted: this.trusted,
      model: this.section('model'),
      layers: this.section('layers'),
      plan: this.section('plan'),
      hyper: this.hyper,
      dataset: this.section('dataset'),
      run: this.run,
      results: this.section('results'),
      suggestion: this.section('suggestion'),
      lrFinder: this.section('lrFinder'),
      layerSignal: this.section('layerSignal'),
      warnings: this.section('warnings'),
    };
  }
}
