// Small, valid TF.js Layers model folders for tests, made by tfjs itself and
// then written (and mutated) as plain files.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';

export interface ModelJson {
  format?: string;
  modelTopology: any;
  weightsManifest: { paths: string[]; weights: { name: string; shape: any[]; dtype: string; quantization?: any }[] }[];
  [key: string]: unknown;
}

/** Saves `model` to memory and returns model.json (one shard `weights.bin`) and the weight bytes. */
export async function artifactsOf(model: tf.LayersModel): Promise<{ json: ModelJson; data: Uint8Array }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = new Uint8Array(saved!.weightData as ArrayBuffer);
  const json: ModelJson = {
    format: 'layers-model',
    modelTopology: saved!.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs as ModelJson['weightsManifest'][0]['weights'] }],
  };
  return { json, data };
}

/** A tiny CNN: conv2d(2 filters, 3×3) → flatten → dense(2). Named layers, seeded weights. */
export function tinyCnn(seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1], name: 'pixels' });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input);
  const flat = tf.layers.flatten({ name: 'flat' }).apply(conv);
  const out = tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(flat);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor, name: 'tiny' });
}

/** Writes model.json and the shard(s); `json` may be anything (for malformed cases). */
export function writeModelFolder(dir: string, json: unknown, shards: Record<string, Uint8Array>): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(dir, name), bytes);
  return dir;
}

/** Every path under `dir` with its size, to prove a failed load left nothing behind. */
export function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => {
      try {
        const st = statSync(join(dir, name));
        return `${name}:${st.isFile() ? st.size : 'dir'}`;
      } catch {
        return `${name}:dangling`;
      }
    })
    .sort();
}
