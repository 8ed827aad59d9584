// The frozen front of a model, whatever the model: a Layers prefix, a Graph
// model run up to a node, or (later) an imported Keras model, which becomes a
// Layers model. The feature cache and the decode-and-extract path
// (train/inputs.ts) know only this interface.
import { tf } from '../tf';

export interface FeatureExtractor {
  /** One example's activation shape per output, without the batch dimension (a cut inside a residual network has several). */
  readonly shapes: number[][];
  /** Frozen forward pass in inference mode: images [n, h, w, c] → one tensor per output. The caller disposes the result. */
  extract(images: tf.Tensor): Promise<tf.Tensor[]>;
}

/** An extractor that is a Layers prefix, which the extraction pool (parallel/extractPool.ts) can copy into its threads. */
export interface LayersExtractor extends FeatureExtractor {
  readonly prefix: tf.LayersModel;
}

/** A Layers model's frozen prefix as an extractor; `predict` runs it in inference mode and records nothing for backprop. */
export function layersExtractor(prefix: tf.LayersModel): LayersExtractor {
  return {
    prefix,
    shapes: prefix.outputs.map((o) => o.shape.slice(1) as number[]),
    extract: async (images) => {
      const out = prefix.predict(images);
      return Array.isArray(out) ? out : [out];
    },
  };
}
