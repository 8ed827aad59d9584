// CONTRACT STUB (owner: engine-data helper).
import type { HealthReport, SkippedFile } from '../../shared/health';
import type { Preprocessing } from '../../shared/preprocessing';

export interface Sample {
  /** Absolute path. */
  file: string;
  /** Path relative to the dataset root (what users and the webview see). */
  rel: string;
  label: number;
}

export interface Dataset {
  root: string;
  classes: string[];
  train: Sample[];
  validation: Sample[];
  test: Sample[];
  health: HealthReport;
}

/** A one-line, user-facing dataset error (missing folder, fewer than 2 classes, …). CLI exit code 2. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Scans a dataset folder, splits it (seeded, stratified) and builds the health report. */
export async function scanDataset(
  root: string,
  options: { validationSplit: number; seed: number; onProgress?: (done: number, total: number) => void },
): Promise<Dataset> {
  void root;
  void options;
  throw new Error('scanDataset: not implemented yet');
}

/** Decoded images as one NHWC float buffer (value range applied); files that fail are skipped with a reason. */
export interface DecodedBatch {
  pixels: Float32Array;
  samples: Sample[];
  skipped: SkippedFile[];
}

export async function decodeSamples(
  samples: Sample[],
  pre: Preprocessing,
  options?: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<DecodedBatch> {
  void samples;
  void pre;
  void options;
  throw new Error('decodeSamples: not implemented yet');
}
