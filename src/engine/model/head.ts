// A new classification head on top of the base, cut at any layer (nested ones included).
import { tf } from '../tf';
import { leafLayers, modelGraph } from './graph';
import { cutOutput } from './cut';

/** Head layers are named with this prefix so that plans and summaries can tell them apart. */
export const HEAD_PREFIX = 'ft_head_';

/** A one-line error about a layer name, cut or plan the user chose. CLI exit code 2. */
export class LayerChoiceError extends Error {
  override name = 'LayerChoiceError';
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Up to `n` names closest to `wanted` (substring matches first). */
export function nearMatches(wanted: string, names: string[], n = 3): string[] {
  const w = wanted.toLowerCase();
  return names
    .map((name) => ({ name, score: name.toLowerCase().includes(w) || w.includes(name.toLowerCase()) ? -1 : distance(w, name.toLowerCase()) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, n)
    .map((x) => x.name);
}

export function unknownLayerError(what: string, wanted: string, names: string[]): LayerChoiceError {
  const near = nearMatches(wanted, names);
  return new LayerChoiceError(`unknown ${what} '${wanted}'${near.length ? `; did you mean ${near.map((s) => `'${s}'`).join(', ')}?` : ''}`);
}

/** Names of the top-level layers (nested models included) and of every layer inside nested models. */
function layerNames(base: tf.LayersModel): string[] {
  return [...new Set([...modelGraph(base), ...leafLayers(base)].map((n) => n.layer.name))];
}

function freeName(base: tf.LayersModel, stem: string): string {
  const taken = new Set(layerNames(base));
  let name = `${HEAD_PREFIX}${stem}`;
  for (let k = 2; taken.has(name); k++) name = `${HEAD_PREFIX}${stem}_${k}`;
  return name;
}

/** base[..cut] + (global pooling if 4-D) + dropout + dense(numClasses, softmax). Shares the base's weights. */
export function attachHead(base: tf.LayersModel, options: HeadOptions & { cut: string }): tf.LayersModel {
  const { cut } = options;
  const outputs = cutOutput(base, cut);
  if (!outputs) throw unknownLayerError('cut layer', cut, layerNames(base));
  if (outputs.length !== 1) throw new LayerChoiceError(`cut layer '${cut}' has ${outputs.length} outputs; choose a layer with one`);
  const out = appendHead(outputs[0], options, (stem) => freeName(base, stem));
  return tf.model({ inputs: base.inputs, outputs: out, name: `${base.name}_finetune` });
}

/**
 * The same head alone, on an input of the cut's activation shape: for a
 * frozen front that is not a Layers model (a Graph model run up to a node).
 */
export function headModel(featureShape: number[], options: HeadOptions): tf.LayersModel {
  const input = tf.input({ shape: featureShape, name: `${HEAD_PREFIX}features` });
  const out = appendHead(input, options, (stem) => `${HEAD_PREFIX}${stem}`);
  return tf.model({ inputs: input, outputs: out, name: `${HEAD_PREFIX}model` });
}

export interface HeadOptions {
  numClasses: number;
  dropout: number;
  seed: number;
}

function appendHead(features: tf.SymbolicTensor, options: HeadOptions, name: (stem: string) => string): tf.SymbolicTensor {
  const { numClasses, dropout, seed } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new LayerChoiceError(`a classifier needs at least 2 classes, got ${numClasses}`);
  let x = features;
  if (x.rank === 4) {
    x = tf.layers.globalAveragePooling2d({ name: name('pool') }).apply(x) as tf.SymbolicTensor;
  } else if (x.rank !== 2) {
    x = tf.layers.flatten({ name: name('flatten') }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.dropout({ rate: dropout, seed, name: name('dropout') }).apply(x) as tf.SymbolicTensor;
  return tf.layers
    .dense({
      units: numClasses,
      activation: 'softmax',
      // Seeded, so a rerun with the same seed starts from the same head.
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      biasInitializer: 'zeros',
      name: name('dense'),
    })
    .apply(x) as tf.SymbolicTensor;
}
