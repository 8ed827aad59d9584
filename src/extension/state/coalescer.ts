// Batches what the dashboard must hear into at most one message group per
// interval (8 per second by default). A burst of batch events or plan toggles
// then costs the page one render, and the host's event loop stays free.
import type { BatchPoint, EpochPoint } from '../../shared/protocol/webview';
import type { Section } from './dashboardView';

export interface Pending {
  sections: Set<Section>;
  batches: BatchPoint[];
  epochs: EpochPoint[];
  reset: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Coalescer {
  private pending: Pending = Coalescer.empty();
  private timer: unknown = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly deliver: (pending: Pending) => void,
    private readonly intervalMs = 125,
    private readonly timers: Timers = realTimers,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private static empty(): Pending {
    return { sections: new Set(), batches: [], epochs: [], reset: false };
  }

  sections(sections: Iterable<Section>): void {
    for (const s of sections) this.pending.sections.add(s);
    this.schedule();
  }

  metrics(batches: BatchPoint[], epochs: EpochPoint[], reset: boolean): void {
    if (reset) this.pending = { ...this.pending, batches: [], epochs: [], reset: true };
    this.pending.batches.push(...batches);
    this.pending.epochs.push(...epochs);
    this.schedule();
  }

  /** Drops what is pending (the page went away and will take a snapshot). */
  discard(): void {
    this.cancelTimer();
    this.pending = Coalescer.empty();
  }

  flush(): void {
    this.cancelTimer();
    const p = this.pending;
    if (p.sections.size === 0 && p.batches.length === 0 && p.epochs.length === 0 && !p.reset) return;
    this.pending = Coalescer.empty();
    this.lastFlush = this.now();
    this.deliver(p);
  }

  dispose(): void {
    this.discard();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.intervalMs - (this.now() - this.lastFlush));
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
