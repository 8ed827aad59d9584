// The data module's types. dataset.ts re-exports everything here, so callers
// import from '../data/dataset' only.
import type { HealthReport, SkippedFile } from '../../shared/health';

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

/** Decoded images as one NHWC float buffer (value range applied); files that fail are skipped with a reason. */
export interface DecodedBatch {
  pixels: Float32Array;
  /** The samples that decoded, in input order; `pixels` holds them in the same order. */
  samples: Sample[];
  skipped: SkippedFile[];
}

export interface ScanOptions {
  /** Share of each class held out for validation when the layout has no validation/ folder. */
  validationSplit: number;
  seed: number;
  /** `done` of `total` directory entries known so far; `total` grows while folders are read. */
  onProgress?: (done: number, total: number) => void;
}
