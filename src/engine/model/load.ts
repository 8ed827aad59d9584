// CONTRACT STUB (owner: engine-model helper). Replace the bodies, keep the signatures.
import type * as tf from '@tensorflow/tfjs';

/** Limits applied before tfjs sees a byte. */
export interface ModelCaps {
  maxModelJsonBytes: number;
  maxShardBytes: number;
  maxTotalWeightBytes: number;
  maxTensorElements: number;
  maxDimension: number;
}

/** A one-line, user-facing error that names the offending file. CLI exit code 2. */
export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

/** Validates a TF.js Layers model folder (model.json + shards) and loads it. */
export async function loadLayersModelFromDir(dir: string, caps?: Partial<ModelCaps>): Promise<tf.LayersModel> {
  void dir;
  void caps;
  throw new Error('loadLayersModelFromDir: not implemented yet');
}
