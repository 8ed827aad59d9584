import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PreprocessingSchema, type Preprocessing } from '../shared/preprocessing';
import { tf } from './tf';
import { ModelFileError } from './model/load';
import { loadClassifier } from './graph/saved';
import { decodeSamples, type Sample } from './data/dataset';
import { LABELS_JSON, PREPROCESSING_JSON, readLabels } from './run/saveModel';

export interface Classification {
  file: string;
  /** Best first; empty when the image could not be decoded. */
  top: { label: string; probability: number }[];
  /** Why the image was skipped. */
  error?: string;
}

/**
 * Classifies images with a fine-tuned model folder, feeding each image exactly
 * the preprocessing the model was trained with (`preprocessing.json`) and
 * naming classes from `labels.json`.
 */
export async function classifyImages(modelDir: string, files: string[], topK = 3): Promise<Classification[]> {
  const labels = readJson(modelDir, LABELS_JSON, () => readLabels(modelDir));
  const pre = readJson(modelDir, PREPROCESSING_JSON, () => PreprocessingSchema.parse(JSON.parse(readFileSync(join(modelDir, PREPROCESSING_JSON), 'utf8'))) as Preprocessing);
  // A Layers model, or a Graph fine-tune (frozen graph base.json → head model.json).
  const model = await loadClassifier(modelDir);
  try {
    const outputs = model.outputs;
    if (outputs !== labels.length) throw new ModelFileError(join(modelDir, LABELS_JSON), `${labels.length} labels for a model with ${outputs} outputs`);
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
      const row = Array.from(probs.subarray(i * labels.length, (i + 1) * labels.length));
      const top = row
        .map((probability, c) => ({ label: labels[c], probability }))
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

function readJson<T>(dir: string, name: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (is this a fine-tuned model folder?)' : (err as Error).message.split('\n')[0];
    throw new ModelFileError(join(dir, name), reason);
  }
}
