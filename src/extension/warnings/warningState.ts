// The host's warnings (shared/warnings.ts) and what they are about. Before a
// run they come from a check of the spec Start would send (nextRunCheck.ts);
// once a run starts, its own `warnings` event replaces them, and its
// `runFolder` event says which spec.json they belong to. A new model or
// dataset clears them. Pure (no vscode): the dashboard and the Problems panel
// both render from here.
import * as path from 'node:path';
import type { RunWarning } from '../../shared/warnings';
import type { TrainEvent } from '../../shared/events';
import type { TrainSpec } from '../../shared/trainSpec';
import type { WarningsView } from '../../shared/protocol/webview';

/** The spec file in a run folder (engine/run/runDir.ts writes it). */
export const SPEC_FILE = 'spec.json';

/** Where the warnings point: the next run's spec (not on disk yet), or a run's spec.json. */
export type WarningTarget = { kind: 'nextRun'; spec: TrainSpec | null } | { kind: 'runSpec'; specFile: string | null };

export class WarningState {
  items: readonly RunWarning[] = [];
  target: WarningTarget = { kind: 'nextRun', spec: null };
  checking = false;
  error: string | null = null;
  /** Counts checks, so that an answer to an older one (the choices changed since) is dropped. */
  private generation = 0;

  /** A check of the next run begins; returns its ticket for `checked`. */
  beginCheck(): number {
    this.checking = true;
    return ++this.generation;
  }

  /** A check's answer (items, or an error line). False, and nothing changes, when a newer check or a run came since. */
  checked(ticket: number, spec: TrainSpec, answer: { items: RunWarning[] } | { error: string }): boolean {
    if (ticket !== this.generation) return false;
    this.checking = false;
    this.target = { kind: 'nextRun', spec };
    this.items = 'items' in answer ? answer.items : [];
    this.error = 'error' in answer ? answer.error : null;
    return true;
  }

  /** A run's own event: `warnings` replaces the list (any check in flight is now stale), `runFolder` names its spec. */
  applyEvent(event: Extract<TrainEvent, { type: 'warnings' | 'runFolder' }>): void {
    this.generation++;
    this.checking = false;
    this.error = null;
    if (event.type === 'warnings') {
      this.items = event.items;
      if (this.target.kind !== 'runSpec') this.target = { kind: 'runSpec', specFile: null };
    } else {
      this.target = { kind: 'runSpec', specFile: path.join(event.dir, SPEC_FILE) };
    }
  }

  /** No warnings: the choices they were about are gone (another model or dataset, or the next run cannot be built). False when already clear. */
  clear(): boolean {
    this.generation++;
    const had = this.items.length > 0 || this.checking || this.error !== null || this.target.kind !== 'nextRun' || this.target.spec !== null;
    this.items = [];
    this.checking = false;
    this.error = null;
    this.target = { kind: 'nextRun', spec: null };
    return had;
  }

  /** The fix offered for a warning now shown, if any. */
  fixFor(id: RunWarning['id']): RunWarning['fix'] | undefined {
    return this.items.find((w) => w.id === id)?.fix;
  }

  view(): WarningsView {
    return {
      source: this.target.kind === 'nextRun' ? 'nextRun' : 'run',
      checking: this.checking,
      error: this.error,
      items: this.items.map((w) => ({ id: w.id, message: w.message, fix: w.fix?.label ?? null })),
    };
  }
}
