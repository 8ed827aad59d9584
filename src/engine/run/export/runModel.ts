// The fine-tuned model an exporter reads: a run folder's model/, or a model
// folder given directly, with the labels and preprocessing saved beside it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Preprocessing } from '../../../shared/preprocessing';
import { readModelLabels } from '../../model/folderFacts';
import { isGraphFineTune } from '../../graph/saved';
import { MODEL_JSON, PREPROCESSING_JSON, readModelPreprocessing } from '../saveModel';
import { ExportError } from './exportError';

export interface RunModel {
  modelDir: string;
  labels: string[];
  preprocessing: Preprocessing;
}

/** Finds and checks the fine-tuned model of `runDir` (or `runDir` itself when it is the model folder). */
export function readRunModel(runDir: string): RunModel {
  const modelDir = existsSync(join(runDir, 'model', MODEL_JSON)) ? join(runDir, 'model') : runDir;
  if (!existsSync(join(modelDir, MODEL_JSON))) throw new ExportError(`${runDir}: no fine-tuned model (no model/model.json; has the run finished?)`);
  if (isGraphFineTune(modelDir)) throw new ExportError(`${modelDir}: a fine-tuned Graph model is two models (frozen graph + head); only Layers models can be exported`);
  const labels = readModelLabels(modelDir);
  if (labels?.from !== 'labels.json') throw new ExportError(`${modelDir}: no labels.json (is this a fine-tuned model folder?)`);
  const preprocessing = readModelPreprocessing(modelDir);
  if (!preprocessing) throw new ExportError(`${join(modelDir, PREPROCESSING_JSON)}: missing or malformed`);
  return { modelDir, labels: labels.names, preprocessing };
}
