import { resolve } from 'node:path';
import { tf } from './tf';
import { ModelFileError } from './model/load';
import { loadClassifier } from './graph/saved';
import { decodeSamples, type Sample } from './data/dataset';
import { declaredPreprocessing, readModelLabels } from './model/folderFacts';
import { preprocessingForShape } from './model/transfer';

export interface Classification {
  file: string;
  /** Best first; empty when the image could not be decoded. `label` is null when the model names no classes. */
  top: { index: number; label: string | null; probability: number }[];
  /** Why the image was skipped. */
  error?: string;
}

/**
 * Classifies images with any image classifier folder: a fine-tuned run's
 * model, a Teachable Machine export, the demo. Each image gets the
 * preprocessing the folder declares (preprocessing.json, Teachable Machine's
 * centre crop and x/127 − 1, the catalog's), else a guess from the input
 * shape. Classes are named from labels.json or metadata.json; a model with
 * neither still classifies, by class index (label null).
 */
export async function classifyImages(modelDir: string, files: string[], topK = 3): Promise<Classification[]> {
  const labels = readModelLabels(modelDir)?.names;
  // A Layers model, or a Graph fine-tune (frozen graph base.json → head model.json).
  const model = await loadClassifier(modelDir);
  try {
    const pre = declaredPreprocessing(modelDir) ?? preprocessingForShape(model.inputShape);
    const classes = model.outputs;
    if (labels && classes !== labels.length) throw new ModelFileError(modelDir, `names ${labels.length} classes for a model with ${classes} outputs`);
    const samples: Sample[] = files.map((f) => ({ file: resolve(f), rel: f, label: -1 }));
    const decoded = await decodeSamples(samples, pre);
    let probs: Float32Array = new Float32Array(0);
    if (decoded.samples.length > 0) {
      const x = tf.tensor4d(decoded.pixels, [decoded.samples.length, pre.height, pre.width, pre.channels]);
      const p = await model.predict(x).finally(() => x.dispose());
      probs = (await p.data()) as Float32Array;
      p.dispose();
    }
    const byFile = new Map<string, Classification>();
    decoded.samples.forEach((s, i) => {
      const row = Array.from(probs.subarray(i * classes, (i + 1) * classes));
      const top = row
        .map((probability, index) => ({ index, label: labels?.[index] ?? null, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, Math.max(1, topK));
      byFile.set(s.rel, { file: s.rel, top });
    });
    for (const s of decoded.skipped) byFile.set(s.file, { file: s.file, top: [], error: s.reason });
    return files.map((f) => byFile.get(f) ?? { file: f, top: [], error: 'not decoded' });
  } finally {
    model.dispose();
  }
}
