// What a model folder says about itself beside model.json: the names of the
// classes it outputs and the preprocessing its input needs. One answer for
// the CLI, the trainer process and classification.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Preprocessing } from '../../shared/preprocessing';
import type { ModelLabels, ModelSummary } from '../../shared/summary';
import { LABELS_JSON, readLabels, readModelPreprocessing } from '../run/saveModel';
import { catalogEntryForDir } from '../sources/catalogDefaults';
import { ModelFileError } from './modelFileError';
import { readTeachableMachineMetadata, teachableMachinePreprocessing } from './teachableMachine';

/**
 * The classes a model folder names: `labels.json` (every fine-tuned model,
 * the demo), else a Teachable Machine `metadata.json`; undefined when neither
 * exists. A file that exists but is malformed is a one-line ModelFileError.
 */
export function readModelLabels(dir: string): ModelLabels | undefined {
  const file = join(dir, LABELS_JSON);
  if (existsSync(file)) {
    try {
      return { names: readLabels(dir), from: 'labels.json' };
    } catch (err) {
      throw new ModelFileError(file, err instanceof SyntaxError ? `is not valid JSON (${err.message})` : 'expected an array of class names');
    }
  }
  const tm = readTeachableMachineMetadata(dir);
  return tm && { names: tm.labels, from: 'teachable-machine' };
}

/**
 * The preprocessing a model folder declares: its own preprocessing.json, else
 * a Teachable Machine export's (centre crop, x/127 − 1), else the catalog's
 * for a downloaded catalog model; undefined when the caller must guess from
 * the input shape.
 */
export function declaredPreprocessing(dir: string): Preprocessing | undefined {
  const own = readModelPreprocessing(dir);
  if (own) return own;
  const tm = readTeachableMachineMetadata(dir);
  return tm ? teachableMachinePreprocessing(tm) : catalogEntryForDir(dir)?.preprocessing;
}

/** A summary with the folder's class names added, when it has any. */
export function withFolderLabels(summary: ModelSummary, dir: string): ModelSummary {
  const labels = readModelLabels(dir);
  return labels ? { ...summary, labels } : summary;
}
