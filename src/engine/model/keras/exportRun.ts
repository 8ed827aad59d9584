// A finished run's fine-tuned model (RUNDIR/model, TF.js) written as a
// Keras 3 `.keras` file, for people going back to Python.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFileError } from '../modelFileError';
import { loadLayersModelFromDir } from '../load';
import { exportKeras } from './exporter';

/** Where `finetune export --format keras RUNDIR` writes by default. */
const defaultKerasExportPath = (runDir: string) => join(runDir, 'model.keras');

export async function exportRunToKeras(runDir: string, outPath = defaultKerasExportPath(runDir)): Promise<string> {
  if (!existsSync(join(runDir, 'spec.json'))) throw new ModelFileError(runDir, 'is not a run folder (no spec.json)');
  const modelDir = join(runDir, 'model');
  if (!existsSync(join(modelDir, 'model.json'))) throw new ModelFileError(runDir, 'has no fine-tuned model yet (no model/model.json): the run has not finished');
  const model = await loadLayersModelFromDir(modelDir);
  try {
    await exportKeras(model, outPath);
  } finally {
    model.dispose();
  }
  return outPath;
}
