// Before Start: once a model and a dataset are chosen, and again whenever the
// plan or the hyperparameters change (after a quiet moment, so typing a
// learning rate asks once), the trainer computes the warnings of the spec
// Start would send. It runs the run's own setup (engine/runWarningsCheck.ts),
// so the list is the one the run will report. While a run is active its own
// events own the warnings, and nothing is checked.
import type { RunWarning } from '../../shared/warnings';
import type { TrainSpec } from '../../shared/trainSpec';
import type { SpecResult } from '../state/specBuilder';
import type { HostStore } from '../state/store';
import type { Section } from '../state/dashboardView';

export interface NextRunCheckDeps {
  /** The spec Start would send now (state/specBuilder.ts), or why there is none. */
  spec(): Promise<SpecResult>;
  /** The trainer's warnings for a spec (the `warnings` request). */
  check(spec: TrainSpec): Promise<RunWarning[]>;
  log(line: string): void;
  /** Quiet time after the last change before checking, in ms. */
  delayMs?: number;
}

/** The choices a run's warnings depend on. */
const TRIGGERS: readonly Section[] = ['model', 'plan', 'hyper', 'dataset'];
const DEFAULT_DELAY_MS = 600;

export class NextRunCheck {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: () => void;
  /** The check in flight or last done (tests wait for it). */
  settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: HostStore,
    private readonly deps: NextRunCheckDeps,
  ) {
    this.unsubscribe = store.subscribe({ changed: (sections) => TRIGGERS.some((s) => sections.has(s)) && this.schedule() });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.settled = this.run();
    }, this.deps.delayMs ?? DEFAULT_DELAY_MS);
  }

  /** Checks now (the debounce calls this). */
  async run(): Promise<void> {
    const store = this.store;
    if (store.machine.active) return;
    const built = await this.deps.spec();
    if (!built.ok) {
      // No model, no dataset yet, a scan in progress: there is no next run to warn about.
      store.updateWarnings((w) => w.clear());
      return;
    }
    const spec = built.spec;
    const shown = store.warnings.target;
    // A change that leaves the spec as it was (a re-render, a suggestion already in force) asks nothing.
    if (shown.kind === 'nextRun' && shown.spec && store.warnings.error === null && JSON.stringify(shown.spec) === JSON.stringify(spec)) return;
    const ticket = store.updateWarnings((w) => w.beginCheck());
    try {
      const items = await this.deps.check(spec);
      store.updateWarnings((w) => w.checked(ticket, spec, { items }));
    } catch (error) {
      const line = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      this.deps.log(`warnings: the check of the next run failed: ${line}`);
      store.updateWarnings((w) => w.checked(ticket, spec, { error: line }));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
  }
}
