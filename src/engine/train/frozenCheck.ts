// The proof that frozen layers stayed frozen: a sha256 of each frozen layer's
// weights (moving statistics included) before training and again after. The
// dashboard and the Layers view show a checkmark for each verified layer.
import { createHash } from 'node:crypto';
import type { tf } from '../tf';

/** A layer that trains in no phase, with every weight it has. */
export interface FrozenLayer {
  name: string;
  weights: tf.LayerVariable[];
}

/** sha256 of each layer's weight bytes, in weight order. */
export function frozenChecksums(layers: readonly FrozenLayer[]): Map<string, string> {
  const sums = new Map<string, string>();
  for (const layer of layers) {
    const hash = createHash('sha256');
    for (const w of layer.weights) {
      const data = w.read().dataSync();
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    sums.set(layer.name, hash.digest('hex'));
  }
  return sums;
}

/** Compares the layers now with the sums taken before training. */
export function verifyFrozen(before: Map<string, string>, layers: readonly FrozenLayer[]): { verified: string[]; changed: string[] } {
  const after = frozenChecksums(layers);
  const verified: string[] = [];
  const changed: string[] = [];
  for (const [name, sum] of before) (after.get(name) === sum ? verified : changed).push(name);
  return { verified, changed };
}
