import { SingleBar, Presets } from 'cli-progress';
import type { BackendReport, RunResult, TrainEvent } from '../shared/events';
import type { HealthReport } from '../shared/health';
import { adapterText } from '../shared/format';

/** A run's result with the backend it trained on, as the CLI prints it. */
export interface CliRunResult extends RunResult {
  backendReport?: BackendReport;
}

/**
 * Prints engine events for a person: backend and skipped reasons, the health
 * report, the cut and plan, a progress bar with ETA per epoch (on a terminal)
 * and one line per epoch. Everything goes to `out` (stderr under --json, so
 * that stdout holds only the JSON line).
 */
export class EventPrinter {
  private bar: SingleBar | null = null;
  /** The last backend event: the CLI's --json carries its adapter. */
  backendReport: BackendReport | undefined;
  private barEpoch = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly prefix = '',
  ) {}

  readonly onEvent = (e: TrainEvent): void => {
    switch (e.type) {
      case 'backend':
        return this.backend(e.report);
      case 'health':
        return this.health(e.report);
      case 'log':
        return this.line(e.level === 'warn' ? `warning: ${e.message}` : e.message);
      case 'plan':
        this.line(`Trainable: ${e.trainableLayers.length} layers, ${e.trainableParams.toLocaleString('en-US')} of ${e.totalParams.toLocaleString('en-US')} params`);
        return this.line(e.featureCache ? `Feature cache: on (prefix runs once per image, boundary: ${e.boundary.join(', ')})` : 'Feature cache: off');
      case 'progress':
        if (e.done === e.total) this.line(`${e.stage === 'decode' ? 'Decoded' : 'Extracted features for'} ${e.total} images`);
        return;
      case 'batch':
        return this.batch(e);
      case 'epoch':
        return this.epoch(e);
      case 'warnings':
        for (const w of e.items) this.line(`warning: ${w.message}${w.fix ? ` (fix: ${w.fix.label.toLowerCase()})` : ''}`);
        return;
      case 'runFolder':
        return; // the model's folder, inside it, is printed with the result
      case 'frozen':
        if (e.changed.length > 0) return this.line(`warning: frozen layers changed during training: ${e.changed.join(', ')}`);
        return e.verified.length > 0 ? this.line(`Frozen layers verified unchanged (sha256 before and after): ${e.verified.length}`) : undefined;
      case 'done':
        return this.stopBar();
      case 'error':
        return this.stopBar();
    }
  };

  private line(text: string): void {
    if (this.bar) this.stopBar();
    this.out.write(`${this.prefix}${text}\n`);
  }

  private backend(r: BackendReport): void {
    this.backendReport = r;
    this.line(`Backend: ${r.name} (${r.package})${r.adapter ? ` on ${adapterText(r.adapter)}` : r.gpu ? ' on GPU' : ''}`);
    for (const s of r.skipped) this.line(`  skipped ${s.name}: ${s.reason}`);
  }

  private health(h: HealthReport): void {
    this.line(`Dataset: ${h.root} (${h.layout === 'splitFolders' ? 'train/validation folders' : 'class folders'})`);
    for (const c of h.classes) this.line(`  ${c.name.padEnd(20)} train ${String(c.train).padStart(6)}  validation ${String(c.validation).padStart(6)}${c.test ? `  test ${c.test}` : ''}`);
    this.line(`  imbalance ratio ${h.imbalanceRatio.toFixed(2)}, ${h.skipped.length} skipped, ${h.crossSplitDuplicates.length} duplicates across splits`);
    for (const s of h.skipped.slice(0, 20)) this.line(`  skipped ${s.file}: ${s.reason}`);
    if (h.skipped.length > 20) this.line(`  … and ${h.skipped.length - 20} more skipped`);
    for (const w of h.warnings) this.line(`  warning: ${w}`);
    for (const e of h.errors) this.line(`  error: ${e}`);
  }

  private batch(e: Extract<TrainEvent, { type: 'batch' }>): void {
    if (!this.out.isTTY) return;
    if (!this.bar || this.barEpoch !== e.epoch) {
      this.stopBar();
      this.barEpoch = e.epoch;
      this.bar = new SingleBar(
        { stream: this.out, format: `${this.prefix}epoch {epoch} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
        Presets.shades_classic,
      );
      this.bar.start(e.batchesPerEpoch, 0, { epoch: e.epoch, loss: '-', acc: '-', ips: '-' });
    }
    this.bar.update(e.batch, { loss: e.loss.toFixed(4), acc: e.accuracy.toFixed(3), ips: Math.round(e.imagesPerSec) });
  }

  private epoch(e: Extract<TrainEvent, { type: 'epoch' }>): void {
    const eta = e.etaMs > 0 ? `, ETA ${formatMs(e.etaMs)}` : '';
    this.line(
      `epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)} | val loss ${e.valLoss.toFixed(4)} val acc ${e.valAccuracy.toFixed(4)} | lr ${e.lr.toPrecision(3)} | ${formatMs(e.elapsedMs)}${eta}`,
    );
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** The final block: per-class metrics, the confusion matrix and where the model went. */
export function printResult(out: NodeJS.WriteStream, r: RunResult): void {
  const w = (s: string) => out.write(s + '\n');
  w(`Stopped: ${r.stopReason}; ${r.epochs} epochs, best epoch ${r.bestEpoch}`);
  w('Per class:       precision  recall     f1  support');
  for (const c of r.perClass) w(`  ${c.label.padEnd(14)} ${c.precision.toFixed(3).padStart(9)} ${c.recall.toFixed(3).padStart(7)} ${c.f1.toFixed(3).padStart(6)} ${String(c.support).padStart(8)}`);
  w('Confusion (rows actual, columns predicted):');
  w(`  ${''.padEnd(10)} ${r.confusion.labels.map((l) => l.slice(0, 6).padStart(6)).join(' ')}`);
  r.confusion.matrix.forEach((row, i) => w(`  ${r.confusion.labels[i].slice(0, 10).padEnd(10)} ${row.map((n) => String(n).padStart(6)).join(' ')}`));
  w(`Model saved to ${r.modelDir}`);
  w(`Validation accuracy: ${r.valAccuracy.toFixed(4)}`);
}

/** The machine-readable summary: the last stdout line of `train --json` and `demo --json`. */
export function resultJson(r: CliRunResult, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    valAccuracy: r.valAccuracy,
    valLoss: r.valLoss,
    runDir: r.runDir,
    modelDir: r.modelDir,
    backend: r.backend,
    gpu: r.backendReport?.gpu ?? false,
    // vendor, architecture, device, description, software; null off webgpu.
    adapter: r.backendReport?.adapter ?? null,
    epochs: r.epochs,
    bestEpoch: r.bestEpoch,
    stopReason: r.stopReason,
    perClass: r.perClass,
    confusion: { labels: r.confusion.labels, matrix: r.confusion.matrix },
    ...extra,
  });
}

export function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
