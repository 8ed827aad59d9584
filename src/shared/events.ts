import type { HealthReport } from './health';
import type { RunWarning } from './warnings';
import type { BackendName } from './trainSpec';

/** The WebGPU adapter a run trains on, as Dawn describes it. */
export interface AdapterInfo {
  /** e.g. `nvidia`, `amd`, `intel`, `apple`, `mesa`. */
  vendor: string;
  /** e.g. `ampere`, `rdna-3`, or `software` for llvmpipe and SwiftShader. */
  architecture: string;
  device: string;
  description: string;
  /** A CPU rasteriser (llvmpipe, SwiftShader, a fallback adapter): never chosen by `auto`. */
  software: boolean;
}

/** The backend in use and why the others were not chosen. */
export interface BackendReport {
  name: BackendName;
  /** The tfjs package that provides it, e.g. `@tensorflow/tfjs-node-gpu`. */
  package: string;
  /** True only when `tf.backend().isUsingGpuDevice` says so. */
  gpu: boolean;
  /** The WebGPU adapter; only on the webgpu backend. */
  adapter?: AdapterInfo;
  skipped: { name: string; reason: string }[];
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionMatrix {
  labels: string[];
  /** matrix[actual][predicted] = count. */
  matrix: number[][];
  /** files[actual][predicted] = dataset-relative paths of those validation images. */
  files: string[][][];
}

export interface RunResult {
  runDir: string;
  modelDir: string;
  backend: BackendName;
  epochs: number;
  bestEpoch: number;
  valAccuracy: number;
  valLoss: number;
  confusion: ConfusionMatrix;
  perClass: ClassMetrics[];
  /** Why the run ended. */
  stopReason: 'completed' | 'earlyStopping' | 'cancelled' | 'diverged' | 'finished';
}

/** One trainable layer's learning signal over one epoch (means over the epoch's batches). */
export interface LayerSignal {
  layer: string;
  /** L2 norm of the layer's gradient. */
  gradNorm: number;
  /** ‖weights after a step − before‖ / ‖weights before‖; around 1e-3 is the usual healthy order. */
  updateRatio: number;
}

/** What the engine reports while it works; the CLI prints it, the trainer forwards it to the host. */
export type TrainEvent =
  /** A line for the run log. */
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  /** The chosen backend. */
  | { type: 'backend'; report: BackendReport }
  /** Dataset scanned; emitted before any training. */
  | { type: 'health'; report: HealthReport }
  /** The model after cut and freeze. */
  | { type: 'plan'; cut: string; trainableLayers: string[]; trainableParams: number; totalParams: number; featureCache: boolean; boundary: string[] }
  /** Before training: the classic mistakes this run would make (shared/warnings.ts), each with a fix where there is one. */
  | { type: 'warnings'; items: RunWarning[] }
  /** The run's folder exists, with its spec.json (after setup; at once on a resume). */
  | { type: 'runFolder'; dir: string }
  /** Long preparation work (decoding, feature extraction) with progress. */
  | { type: 'progress'; stage: 'decode' | 'features'; done: number; total: number; etaMs: number | null }
  /** After each training batch, throttled to about 8 per second. */
  | { type: 'batch'; epoch: number; batch: number; batchesPerEpoch: number; loss: number; accuracy: number; lr: number; lrs?: number[]; imagesPerSec: number }
  /**
   * After each epoch; epochs count from 1. `lr` is the base rate, `lrs` each
   * layer group's (base × its multiplier); `layers` the per-layer learning signal.
   */
  | { type: 'epoch'; epoch: number; epochs: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number; lr: number; lrs?: number[]; layers?: LayerSignal[]; elapsedMs: number; etaMs: number }
  /** After training: frozen layers whose weights' sha256 matched before and after, and any that changed (a bug). */
  | { type: 'frozen'; verified: string[]; changed: string[] }
  /** The run ended and the model was saved. */
  | { type: 'done'; result: RunResult }
  /** The run failed; `message` is one line. */
  | { type: 'error'; message: string };
