// `finetune export --format teachable-machine`: a fine-tuned run as the
// folder @teachablemachine/image's `load(modelURL, metadataURL)` reads
// (layout of its 0.8.x releases, custom-mobilenet.ts): model.json whose one
// weights shard is weights.bin beside it (tf.loadLayersModel resolves it
// relative to model.json), and metadata.json with the new labels. Its
// `predict` crops to a 224 square and feeds x/127 − 1, so the run must have
// been trained on that input.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Preprocessing } from '../../../shared/preprocessing';
import { tf } from '../../tf';
import { loadLayersModelFromDir } from '../../model/load';
import { isTeachableMachineRange, readTeachableMachineMetadata, TM_IMAGE_SIZE, TM_METADATA_JSON, TM_PACKAGE_NAME, type TeachableMachineMetadata } from '../../model/teachableMachine';
import { writeDirAtomicSync } from '../atomic';
import { layersModelFiles, MODEL_JSON, WEIGHTS_BIN } from '../saveModel';
import { ExportError } from './exportError';
import { readRunModel } from './runModel';

/** The @teachablemachine/image release whose load path the layout follows. */
export const TM_PACKAGE_VERSION = '0.8.5';

export interface ExportResult {
  outDir: string;
  files: string[];
  labels: string[];
  /** Differences the export keeps, which the user should know about. */
  warnings: string[];
}

/**
 * What Teachable Machine's `predict` would feed the model, compared with what
 * it was trained on: a mismatch that changes the values refuses the export;
 * close ones (Keras's x/127.5 − 1, stretched training images) are warnings.
 */
function inputWarnings(pre: Preprocessing, where: string): string[] {
  if (pre.height !== TM_IMAGE_SIZE || pre.width !== TM_IMAGE_SIZE || pre.channels !== 3) {
    throw new ExportError(`${where}: the model takes ${pre.height}×${pre.width}×${pre.channels}; @teachablemachine/image always feeds 224×224×3`);
  }
  if (pre.channelOrder !== 'rgb') throw new ExportError(`${where}: the model takes BGR; @teachablemachine/image feeds RGB`);
  const warnings: string[] = [];
  const tmRange = isTeachableMachineRange(pre.range);
  if (!tmRange && pre.range.kind !== 'symmetric') {
    throw new ExportError(`${where}: the model was trained on ${pre.range.kind} input; @teachablemachine/image feeds x/127 − 1, so it would classify wrongly`);
  }
  if (!tmRange) warnings.push('trained on x/127.5 − 1; @teachablemachine/image feeds x/127 − 1 (0.4% larger values)');
  if (pre.resize !== 'centerCrop') warnings.push('trained on stretched images; @teachablemachine/image centre-crops them');
  return warnings;
}

/** The Teachable Machine metadata of the model the run started from, if it was an export (for its tmVersion). */
function originalMetadata(runDir: string): TeachableMachineMetadata | undefined {
  try {
    const spec = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as { modelDir?: unknown };
    return typeof spec.modelDir === 'string' ? readTeachableMachineMetadata(spec.modelDir) : undefined;
  } catch {
    return undefined; // no spec, or the original folder is gone or changed: the export does not need it
  }
}

export async function exportTeachableMachine(runDir: string, outDir: string): Promise<ExportResult> {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new ExportError(`${outDir}: exists and is not empty; choose a new folder`);
  const run = readRunModel(runDir);
  const warnings = inputWarnings(run.preprocessing, join(run.modelDir, 'preprocessing.json'));
  // Re-saved through the validating loader: one weights.bin, and only what was checked.
  const model = await loadLayersModelFromDir(run.modelDir);
  try {
    const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1];
    if (model.outputs.length !== 1 || outputs !== run.labels.length) {
      throw new ExportError(`${run.modelDir}: ${run.labels.length} labels for a model with ${outputs} outputs`);
    }
    const original = originalMetadata(runDir);
    const metadata: TeachableMachineMetadata = {
      tfjsVersion: tf.version.tfjs,
      ...(original?.tmVersion ? { tmVersion: original.tmVersion } : {}),
      packageVersion: TM_PACKAGE_VERSION,
      packageName: TM_PACKAGE_NAME,
      modelName: basename(runDir),
      timeStamp: new Date().toISOString(),
      labels: run.labels,
      userMetadata: { exportedBy: 'finetune-studio' },
      imageSize: TM_IMAGE_SIZE,
    };
    const files = { ...(await layersModelFiles(model)), [TM_METADATA_JSON]: JSON.stringify(metadata, null, 2) + '\n' };
    writeDirAtomicSync(outDir, files);
    return { outDir, files: [MODEL_JSON, WEIGHTS_BIN, TM_METADATA_JSON], labels: run.labels, warnings };
  } finally {
    model.dispose();
  }
}
