// The extension-host side of the UI benchmarks, run as its own Node process
// (like the extension host) from a bundle that bench/ui-bench.ts builds with
// `vscode` aliased to bench/vscodeStub.ts. Everything else is the extension's
// real code: HostStore, LayersTreeProvider, UtilityTrainer / TrainerProcess /
// RpcClient, buildSpec, TrainingController, RunStatusBar, DashboardController.
// It answers over IPC with one JSON message and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { TrainEvent } from '../src/shared/events';
import type { ModelSummary } from '../src/shared/summary';
import { TrainerResultSchemas } from '../src/shared/protocol/trainer';
import { RpcClient } from '../src/extension/trainer/rpcClient';
import { HostStore } from '../src/extension/state/store';
import { UtilityTrainer } from '../src/extension/trainer/utilityTrainer';
import { TrainingController } from '../src/extension/training';
import { buildSpec } from '../src/extension/state/specBuilder';
import { LayersTreeProvider } from '../src/extension/views/layersTree';
import type { LayerNode } from '../src/extension/views/layerTreeIndex';
import { RunStatusBar } from '../src/extension/statusBar';
import { DashboardController } from '../src/extension/dashboard/controller';
import { DashboardPanel } from '../src/extension/dashboard/panel';
import { webviewTraffic, notifications } from './vscodeStub';

export interface TreeFigures {
  layers: number;
  rootRows: number;
  /** Open Model in the extension: UtilityTrainer fork + 'summarize' + IPC + reply validation, once, cold. */
  summarizeViaTrainerMs: number;
  /** Host-side zod validation of the summarize reply alone (median of the repetitions). */
  validateReplyMs: { first: number; median: number; p95: number };
  /** setModel → index → getChildren(root) → getTreeItem for every root row (what VS Code asks for). */
  firstRowsMs: { first: number; median: number; p95: number; samples: number[] };
  /** The same, but only the first 30 rows (one sidebar screen). */
  firstScreenMs: { median: number; p95: number };
}

export interface LagFigures {
  backend: string | null;
  spec: { cut: string | undefined; train: unknown; epochs: number; batchSize: number };
  runSeconds: number;
  trainingSeconds: number;
  valAccuracy: number | null;
  phase: string;
  events: Record<string, number>;
  eventsTotal: number;
  batchEventsPerSec: number;
  eventsPerSec: number;
  lagMs: LagStats;
  /** The same histogram over the training part only: first batch event to `done`. */
  trainingLagMs: LagStats;
  /** Stalls over 50 ms seen by a 10 ms interval probe: when (s after Start), how long, and what the run was doing. */
  stalls: { atS: number; ms: number; phase: string; eventsSoFar: number }[];
  batchesPerEpoch: number;
  /** CPU time the host process used during the run (user + system), and its share of the run's wall time. */
  hostCpu: { ms: number; share: number };
  /** Synchronous host work, timed: each trainer message (RpcClient.receive: zod + store + listeners) and each dashboard post. */
  work: { receive: WorkStats; post: WorkStats };
  webview: { messages: number; bytes: number };
  notifications: string[];
}

export interface LagStats {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

export interface WorkStats {
  calls: number;
  totalMs: number;
  maxMs: number;
  /** The slowest calls: a label from the argument, wall and CPU time (CPU < wall: the process waited for a core), the argument's serialized size. */
  slowest: { label: string; ms: number; cpuMs: number; bytes: number }[];
}

/** Wraps a prototype method to time its synchronous part (bench instrumentation only). */
function timeMethod(proto: object, name: string, label: (arg: unknown) => string): WorkStats {
  const stats: WorkStats = { calls: 0, totalMs: 0, maxMs: 0, slowest: [] };
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return original.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      stats.calls++;
      stats.totalMs += ms;
      stats.maxMs = Math.max(stats.maxMs, ms);
      if (ms > 5) {
        const c = process.cpuUsage(c0);
        stats.slowest.push({ label: label(args[0]), ms, cpuMs: (c.user + c.system) / 1000, bytes: JSON.stringify(args[0] ?? null).length });
        stats.slowest.sort((a, b) => b.ms - a.ms).splice(5);
      }
    }
  };
  return stats;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: pct(s, 50), p95: pct(s, 95) };
};
const log = (line: string) => {
  if (process.env.FT_BENCH_VERBOSE) console.error(line);
};

async function treeBench(script: string, modelDir: string, reps: number): Promise<TreeFigures> {
  // The summary arrives the way the extension gets it: from the utility trainer.
  const utility = new UtilityTrainer(script, log);
  const t0 = performance.now();
  const summary: ModelSummary = await utility.request('summarize', { modelDir });
  const summarizeViaTrainerMs = performance.now() - t0;
  await utility.dispose();

  // The RpcClient validated that reply with zod; time that step on its own.
  const raw = JSON.parse(JSON.stringify(summary)) as unknown;
  const validate: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    TrainerResultSchemas.summarize.parse(raw);
    validate.push(performance.now() - s);
  }

  const firstRows = (screen: number | null): { ms: number; rows: number } => {
    const store = new HostStore();
    const tree = new LayersTreeProvider(store);
    const start = performance.now();
    store.setModel(modelDir, summary); // builds the plan model and plan; the provider builds its index
    const roots = tree.getChildren();
    const shown = screen === null ? roots : roots.slice(0, screen);
    const items: vscode.TreeItem[] = shown.map((node: LayerNode) => tree.getTreeItem(node));
    const ms = performance.now() - start;
    if (items.length !== shown.length) throw new Error('missing tree items');
    tree.dispose();
    return { ms, rows: roots.length };
  };
  const samples: number[] = [];
  let rootRows = 0;
  for (let i = 0; i < reps; i++) {
    const r = firstRows(null);
    samples.push(r.ms);
    rootRows = r.rows;
  }
  const screen: number[] = [];
  for (let i = 0; i < reps; i++) screen.push(firstRows(30).ms);
  return {
    layers: summary.layers.length,
    rootRows,
    summarizeViaTrainerMs,
    validateReplyMs: { first: validate[0], ...stats(validate) },
    firstRowsMs: { first: samples[0], ...stats(samples), samples },
    firstScreenMs: stats(screen),
  };
}

function lagStats(h: IntervalHistogram): LagStats {
  const ms = (ns: number) => ns / 1e6;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), count: h.count };
}

async function lagBench(script: string, modelDir: string, dataDir: string): Promise<LagFigures> {
  const runsDir = mkdtempSync(join(tmpdir(), 'ft-bench-ui-'));
  const store = new HostStore();
  // What App wires up: the tree, the status bar, the dashboard (open, page ready).
  const tree = new LayersTreeProvider(store);
  const statusBar = new RunStatusBar(store);
  const noop = () => undefined;
  const dashboard = new DashboardController(vscode.Uri.file(process.cwd()), store, { chooseModel: noop, openDemo: noop, chooseDataset: noop, start: noop, stop: noop, lrFind: noop, sweep: noop, openFile: noop, rescanDataset: noop }, log);
  const panel = dashboard.show();
  (panel.panel.webview as unknown as { received: { fire(m: unknown): void } }).received.fire({ type: 'ready' });

  // Fine-tune the Demo: open the demo model and its dataset through the utility trainer, then Start.
  const utility = new UtilityTrainer(script, log);
  store.setModel(modelDir, await utility.request('summarize', { modelDir }));
  // VS Code asks the visible Layers view for its rows after the change event; do what it would.
  for (const node of tree.getChildren()) tree.getTreeItem(node);
  store.setDataset(dataDir, 'dataset');
  store.setHealth(dataDir, await utility.request('health', { dataDir, validationSplit: store.hyper.validationSplit, seed: store.hyper.seed }), null);
  await utility.dispose();
  const built = buildSpec(store, runsDir, undefined);
  if (!built.ok) throw new Error(built.reason);

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const trainingHistogram = monitorEventLoopDelay({ resolution: 1 });
  const events: Record<string, number> = {};
  let eventsSoFar = 0;
  let firstBatchAt = 0;
  let lastBatchAt = 0;
  let batchesPerEpoch = 0;
  const apply = store.applyEvent.bind(store);
  store.applyEvent = (event: TrainEvent) => {
    events[event.type] = (events[event.type] ?? 0) + 1;
    eventsSoFar++;
    if (event.type === 'batch') {
      lastBatchAt = performance.now();
      batchesPerEpoch = event.batchesPerEpoch;
      if (!firstBatchAt) {
        firstBatchAt = lastBatchAt;
        trainingHistogram.enable();
      }
    }
    if (event.type === 'done' || event.type === 'error') trainingHistogram.disable();
    apply(event);
  };

  let runsChanged = 0;
  let finished: () => void = noop;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const training = new TrainingController(store, script, log, () => {
    // Called once when the trainer is up, once after the run ended and the process was disposed.
    if (++runsChanged === 2) finished();
  });

  webviewTraffic.messages = 0;
  webviewTraffic.bytes = 0;
  const field = (x: unknown, key: string) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[key] : undefined);
  const work = {
    receive: timeMethod(RpcClient.prototype, 'receive', (m) => String(field(field(field(m, 'params'), 'event'), 'type') ?? field(m, 'method') ?? 'reply')),
    post: timeMethod(DashboardPanel.prototype, 'post', (m) => String(field(m, 'type'))),
  };
  const cpu0 = process.cpuUsage();
  histogram.enable();
  const start = performance.now();
  const stalls: LagFigures['stalls'] = [];
  let tick = start;
  const probe = setInterval(() => {
    const now = performance.now();
    const late = now - tick - 10;
    if (late > 50) stalls.push({ atS: (now - start) / 1000, ms: late, phase: store.run.phase, eventsSoFar });
    tick = now;
  }, 10);
  if (!training.start({ kind: 'train', spec: built.spec })) throw new Error('the run did not start');
  await done;
  const runSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  histogram.disable();
  trainingHistogram.disable();
  clearInterval(probe);

  const trainingSeconds = (lastBatchAt - firstBatchAt) / 1000;
  const eventsTotal = Object.values(events).reduce((a, b) => a + b, 0);
  const figures: LagFigures = {
    backend: store.run.backend,
    spec: { cut: built.spec.cut, train: built.spec.train, epochs: built.spec.epochs ?? 0, batchSize: built.spec.batchSize },
    runSeconds,
    trainingSeconds,
    valAccuracy: store.result?.valAccuracy ?? null,
    phase: store.run.phase,
    events,
    eventsTotal,
    batchEventsPerSec: trainingSeconds > 0 ? ((events.batch ?? 1) - 1) / trainingSeconds : NaN,
    eventsPerSec: eventsTotal / runSeconds,
    lagMs: lagStats(histogram),
    trainingLagMs: lagStats(trainingHistogram),
    stalls: stalls.sort((a, b) => b.ms - a.ms).slice(0, 10),
    batchesPerEpoch,
    hostCpu: { ms: (cpu.user + cpu.system) / 1000, share: (cpu.user + cpu.system) / 1e6 / runSeconds },
    work,
    webview: { ...webviewTraffic },
    notifications: [...notifications],
  };
  DashboardPanel.instance?.dispose();
  dashboard.dispose();
  statusBar.dispose();
  tree.dispose();
  rmSync(runsDir, { recursive: true, force: true });
  return figures;
}

/** A control: an idle Node process measuring its own event-loop delay until told to stop. */
function idleControl(): Promise<{ lagMs: LagStats; seconds: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const keepAlive = setInterval(() => undefined, 1000);
  const start = performance.now();
  histogram.enable();
  return new Promise((resolve) => {
    process.once('message', () => {
      histogram.disable();
      clearInterval(keepAlive);
      resolve({ lagMs: lagStats(histogram), seconds: (performance.now() - start) / 1000 });
    });
  });
}

async function main(): Promise<void> {
  const [mode, script, modelDir, extra] = process.argv.slice(2);
  const result = mode === 'idle' ? await idleControl() : mode === 'tree' ? await treeBench(script, modelDir, Number(extra ?? 20)) : await lagBench(script, modelDir, extra);
  process.send?.({ ok: true, result });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
