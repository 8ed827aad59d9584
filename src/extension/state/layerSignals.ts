// The run's per-layer learning signal, as the Layers view and the dashboard's
// heat strip show it: each epoch's gradient norm and update ratio per
// trainable layer (the `layers` of the engine's epoch event), and which frozen
// layers the run verified unchanged by checksum (its `frozen` event).
import type { LayerSignal } from '../../shared/events';
import type { LayerSignalView } from '../../shared/protocol/webview';

/** A run of 10,000 epochs × 300 layers would be 3M cells: the strip keeps the latest epochs. */
const MAX_EPOCHS = 500;

export class LayerSignals {
  private readonly byEpoch = new Map<number, Map<string, LayerSignal>>();
  /** Layers in the order they first reported (the engine's order: bottom to top). */
  private readonly order: string[] = [];
  private frozen: { verified: ReadonlySet<string>; changed: ReadonlySet<string> } | null = null;

  /** `changed` is called after every change, so the views re-render. */
  constructor(private readonly changed: () => void) {}

  reset(): void {
    if (this.empty) return;
    this.byEpoch.clear();
    this.order.length = 0;
    this.frozen = null;
    this.changed();
  }

  get empty(): boolean {
    return this.byEpoch.size === 0 && this.frozen === null;
  }

  /** One epoch's signal; a resumed run that repeats an epoch replaces it. */
  addEpoch(epoch: number, layers: readonly LayerSignal[]): void {
    const row = new Map<string, LayerSignal>();
    for (const s of layers) {
      row.set(s.layer, s);
      if (!this.order.includes(s.layer)) this.order.push(s.layer);
    }
    this.byEpoch.delete(epoch);
    this.byEpoch.set(epoch, row);
    if (this.byEpoch.size > MAX_EPOCHS) this.byEpoch.delete(Math.min(...this.byEpoch.keys()));
    this.changed();
  }

  setFrozen(verified: readonly string[], changed: readonly string[]): void {
    this.frozen = { verified: new Set(verified), changed: new Set(changed) };
    this.changed();
  }

  /** The layer's signal in the latest epoch that reported it. */
  latest(layer: string): LayerSignal | undefined {
    const epochs = [...this.byEpoch.keys()].sort((a, b) => b - a);
    for (const e of epochs) {
      const s = this.byEpoch.get(e)!.get(layer);
      if (s) return s;
    }
    return undefined;
  }

  /** `verified`: its weights' sha256 matched at the start and end of the run; `changed`: they did not (a bug). */
  frozenState(layer: string): 'verified' | 'changed' | undefined {
    if (this.frozen?.changed.has(layer)) return 'changed';
    return this.frozen?.verified.has(layer) ? 'verified' : undefined;
  }

  view(): LayerSignalView | null {
    if (this.empty) return null;
    const epochs = [...this.byEpoch.keys()].sort((a, b) => a - b);
    const rows = this.order.map((layer) => ({
      layer,
      signal: epochs.map((e) => {
        const s = this.byEpoch.get(e)!.get(layer);
        return s ? { gradNorm: s.gradNorm, updateRatio: s.updateRatio } : null;
      }),
    }));
    const frozen = this.frozen && { verified: [...this.frozen.verified], changed: [...this.frozen.changed] };
    return { epochs, rows, frozen };
  }
}
