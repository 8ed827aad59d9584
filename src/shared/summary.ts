/** One row of the layer tree. Built by the engine, shown by the tree, the dashboard and the CLI. */
export interface LayerSummary {
  /** Unique layer name within its model. */
  name: string;
  /** Keras class, e.g. `Conv2D`, `BatchNormalization`. */
  className: string;
  /** Names of the enclosing nested models, outermost first; empty at the top level. */
  path: string[];
  /** Output shape with `null` for the batch dimension; several shapes for multi-output layers. */
  outputShape: (number | null)[] | (number | null)[][];
  trainableParams: number;
  nonTrainableParams: number;
  /** Names of the layers feeding this one. */
  inbound: string[];
  /** A few key config values for tooltips (filters, kernel size, units, activation, …). */
  config: Record<string, string | number | boolean | null>;
  /** True when the layer owns weights (only such layers count for `top:K`). */
  hasWeights: boolean;
  /** Index in the flattened topological order. */
  index: number;
}

export interface GraphSignature {
  inputs: { name: string; shape: (number | null)[]; dtype: string }[];
  outputs: { name: string; shape: (number | null)[]; dtype: string }[];
  nodeCount: number;
}

/** The classes a model outputs, named by its folder. */
export interface ModelLabels {
  /** Class names in output order. */
  names: string[];
  /** `labels.json` (a fine-tuned model, the demo) or a Teachable Machine export's `metadata.json`. */
  from: 'labels.json' | 'teachable-machine';
}

export interface ModelSummary {
  name: string;
  /** `layers` models are trainable; `graph` models are frozen feature extractors. */
  format: 'layers' | 'graph';
  layers: LayerSummary[];
  /** Equals `model.countParams()`. */
  totalParams: number;
  trainableParams: number;
  inputShape: (number | null)[];
  /** The last feature layer before the classifier: the default cut point. */
  defaultCut: string | null;
  /** Present for graph models only. */
  graph?: GraphSignature;
  /** Present when the model's folder names its classes. */
  labels?: ModelLabels;
}
