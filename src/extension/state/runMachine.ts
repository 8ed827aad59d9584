// The run's life cycle. Every transition is a method that answers whether it
// did anything, so a double Start, a Stop before Start or a Stop while
// stopping is a harmless no-op instead of a second trainer or a crash.
import type { RunPhase } from '../../shared/protocol/webview';

const ACTIVE: ReadonlySet<RunPhase> = new Set(['starting', 'running', 'stopping']);

export class RunMachine {
  private current: RunPhase = 'idle';

  get phase(): RunPhase {
    return this.current;
  }

  get active(): boolean {
    return ACTIVE.has(this.current);
  }

  /** idle/finished → starting. False while a run is active. */
  start(): boolean {
    if (this.active) return false;
    this.current = 'starting';
    return true;
  }

  /** starting → running (the trainer accepted the spec). */
  running(): boolean {
    if (this.current !== 'starting') return false;
    this.current = 'running';
    return true;
  }

  /** starting/running → stopping. False when nothing runs or a stop is already pending. */
  stop(): boolean {
    if (this.current !== 'starting' && this.current !== 'running') return false;
    this.current = 'stopping';
    return true;
  }

  /** A finished run → idle (the dashboard moved on to another model or dataset). False while one is active. */
  reset(): boolean {
    if (this.active) return false;
    this.current = 'idle';
    return true;
  }

  /** Any active phase → an end phase. False if no run was active (a late duplicate end). */
  finish(outcome: 'completed' | 'cancelled' | 'failed'): boolean {
    if (!this.active) return false;
    this.current = outcome;
    return true;
  }
}
