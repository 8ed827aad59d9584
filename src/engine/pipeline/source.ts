// What the one orchestrator (runTraining.ts) needs from a model, whatever its
// kind. A model source opens the model, and for a dataset's class count cuts
// it into a frozen feature extractor and a trainable Layers model (the
// trainable suffix and the new head). A new kind of model is a new
// ModelSource, registered in sources.ts; nothing else changes.
import type { TrainEvent } from '../../shared/events';
import type { Preprocessing } from '../../shared/preprocessing';
import type { TrainSpec } from '../../shared/trainSpec';
import type { tf } from '../tf';
import type { FeatureExtractor } from '../model/extractor';
import type { Phase } from '../train/phases';
import type { FrozenLayer } from '../train/frozenCheck';

export type PlanFacts = Omit<Extract<TrainEvent, { type: 'plan' }>, 'type' | 'featureCache'>;

/** A model cut for one run. Everything in it belongs to the source that made it. */
export interface TrainingModel {
  /** What the `plan` event reports (the orchestrator adds `featureCache`). */
  plan: PlanFacts;
  /** What the loop trains: the trainable suffix and the head, or the head alone. */
  trained: tf.LayersModel;
  /** The frozen front, run once per image into the feature cache; absent when the whole model trains on pixels. */
  extractor?: FeatureExtractor;
  /** The frozen front run on every batch instead (augmentation, `featureCache: off`); only a Layers prefix can. */
  batchPrefix?: tf.LayersModel;
  phases: Phase[];
  /** Layers that train in no phase, whose weights must come out of the run bit for bit as they went in. */
  frozenLayers(): FrozenLayer[];
  /** Sets which layers train (and pins BatchNormalization) before each phase. */
  freeze(trainable: Set<string>): void;
  /** Writes the fine-tuned model folder (atomically). */
  save(dir: string, labels: string[], pre: Preprocessing): Promise<void>;
}

export interface PrepareContext {
  spec: TrainSpec;
  numClasses: number;
  /** Re-initialise every weight and train every layer (the demo's "from scratch" baseline). */
  fromScratch: boolean;
  /** The run's epoch budget (given, or from the budget rule); presets divide it into phases. */
  epochs: number;
  log: (message: string, level?: 'info' | 'warn') => void;
}

/** An opened model. `dispose` frees the model and whatever `prepare` made. */
export interface ModelSource {
  /** The image input, [null, h, w, c], null where free. */
  readonly inputShape: (number | null)[];
  /** Preprocessing from the model alone: the last resort after the spec, the model folder and the catalog. */
  guessPreprocessing(): Preprocessing;
  /** Cuts the model and adds the head for this run. Called once. */
  prepare(context: PrepareContext): TrainingModel;
  dispose(): void;
}
