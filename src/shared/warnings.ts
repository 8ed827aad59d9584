// Warnings about the classic transfer-learning mistakes, before a run starts.
// Pure functions over facts the engine gathers (pipeline/warningFacts.ts),
// so the CLI, the dashboard and the Problems panel all show the same list.
// Each rule says why, and offers a fix (a spec change) where there is one.
import type { TrainChoice, TrainSpecInput } from './trainSpec';

export interface WarningFacts {
  learningRate: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  batchSize: number;
  batchNormMode: 'inference' | 'batch';
  train: TrainChoice;
  /** The model's input, [height, width, channels]; null where free. */
  input: [number | null, number | null, number | null];
  /** BatchNormalization layers that train in some phase. */
  trainableBatchNorm: number;
  /** Convolution layers that train in some phase. */
  trainableConvolutions: number;
  /** Layers that train in some phase, beyond the new head. */
  trainableBaseLayers: number;
  /** Training images per class. */
  trainPerClass: { name: string; count: number }[];
  validationCount: number;
  crossSplitDuplicates: number;
  /** From a sample of training images: the median of the shorter side, and how many of them had a single channel. */
  imageSides: { medianShortSide: number; greyscale: number; sampled: number } | null;
  /** Where the preprocessing came from; `guess` means the value range was not recognised from anything the model says. */
  preprocessingFrom: 'spec' | 'model' | 'catalog' | 'guess';
}

export const WARNING_IDS = ['batchNormSmallBatch', 'learningRateHigh', 'imagesSmall', 'greyscaleIntoColour', 'fewImagesWideTraining', 'smallValidation', 'duplicatesAcrossSplits', 'inputRangeGuessed'] as const;
export type WarningId = (typeof WARNING_IDS)[number];

/** The spec fields a quick fix may change. */
export type WarningPatch = Partial<Pick<TrainSpecInput, 'batchNormMode' | 'learningRate' | 'train'>>;

export interface RunWarning {
  id: WarningId;
  message: string;
  /** A spec change that removes the cause. */
  fix?: { label: string; patch: WarningPatch };
}

/** BatchNormalization statistics from fewer than this many images are too noisy to train on (Ioffe 2017, batch renorm). */
export const MIN_BN_BATCH = 16;
/** Images per class below which training more than the head overfits. */
export const MIN_IMAGES_PER_CLASS = 10;
/** The widest 95% interval (± points, at 50% accuracy) a validation set may give before we say so. */
export const MAX_CI_HALF_WIDTH = 0.05;
/** Images smaller than this fraction of the model input are being upscaled a lot. */
const SMALL_IMAGE_RATIO = 0.5;

/**
 * The highest base rate at which unfrozen convolutions are safe, by what
 * trains: the Keras fine-tuning guide uses 1e-5 with adam for a whole base;
 * `fine-tune` gives the bottom lr/100 and `gradual` 2.6× less per block down,
 * so their base rate may be higher. SGD steps are not normalised, so its
 * rates run about ten times those of adam.
 */
export function maxLearningRateForConvolutions(train: TrainChoice, optimizer: WarningFacts['optimizer']): number {
  const adam = train === 'fine-tune' ? 1e-2 : train === 'gradual' ? 1e-3 : 1e-4;
  return optimizer === 'sgd' ? adam * 10 : adam;
}

/** ± half-width of the 95% Wald interval of an accuracy near 50% measured on n images (the widest it gets). */
export function accuracyHalfWidth(n: number): number {
  return n > 0 ? 1.96 * Math.sqrt(0.25 / n) : 1;
}

type Rule = (f: WarningFacts) => RunWarning | null;

const RULES: Rule[] = [
  (f) =>
    f.trainableBatchNorm > 0 && f.batchNormMode === 'batch' && f.batchSize < MIN_BN_BATCH
      ? {
          id: 'batchNormSmallBatch',
          message: `${f.trainableBatchNorm} BatchNormalization layer(s) train on batches of ${f.batchSize}: statistics from fewer than ${MIN_BN_BATCH} images are noise`,
          fix: { label: 'Keep BatchNormalization in inference mode', patch: { batchNormMode: 'inference' } },
        }
      : null,
  (f) => {
    const max = maxLearningRateForConvolutions(f.train, f.optimizer);
    return f.trainableConvolutions > 0 && f.learningRate > max
      ? {
          id: 'learningRateHigh',
          message: `learning rate ${f.learningRate} with ${f.trainableConvolutions} unfrozen convolution(s): above ${max}, what ${describe(f.train)} with ${f.optimizer} suggests; pre-trained filters get overwritten`,
          fix: { label: `Use learning rate ${max}`, patch: { learningRate: max } },
        }
      : null;
  },
  (f) => {
    const side = Math.min(f.input[0] ?? Infinity, f.input[1] ?? Infinity);
    return f.imageSides && Number.isFinite(side) && f.imageSides.medianShortSide < SMALL_IMAGE_RATIO * side
      ? { id: 'imagesSmall', message: `images are about ${f.imageSides.medianShortSide} px on their shorter side, upscaled to the model's ${side}: the model sees blur it was not trained on` }
      : null;
  },
  (f) =>
    f.input[2] === 3 && f.imageSides && f.imageSides.greyscale === f.imageSides.sampled && f.imageSides.sampled > 0
      ? { id: 'greyscaleIntoColour', message: `the images are greyscale and the model takes colour: each is copied into 3 identical channels, which works, but colour features go unused` }
      : null,
  (f) => {
    const smallest = f.trainPerClass.reduce<{ name: string; count: number } | null>((a, c) => (a === null || c.count < a.count ? c : a), null);
    return smallest && smallest.count < MIN_IMAGES_PER_CLASS && f.trainableBaseLayers > 0
      ? {
          id: 'fewImagesWideTraining',
          message: `class "${smallest.name}" has ${smallest.count} training image(s) while ${f.trainableBaseLayers} layer(s) beyond the head train: with under ${MIN_IMAGES_PER_CLASS} per class they overfit`,
          fix: { label: 'Train the head only', patch: { train: 'head' } },
        }
      : null;
  },
  (f) => {
    const half = accuracyHalfWidth(f.validationCount);
    return half > MAX_CI_HALF_WIDTH
      ? { id: 'smallValidation', message: `the validation set has ${f.validationCount} image(s): its accuracy is only known to ±${(half * 100).toFixed(0)} points (95% interval at 50%)` }
      : null;
  },
  (f) => (f.crossSplitDuplicates > 0 ? { id: 'duplicatesAcrossSplits', message: `${f.crossSplitDuplicates} image(s) appear in more than one split: validation accuracy is inflated by images the model trained on` } : null),
  (f) =>
    f.preprocessingFrom === 'guess'
      ? { id: 'inputRangeGuessed', message: `the model does not say which input range it expects; it was guessed from its input shape: add a preprocessing.json next to model.json if accuracy stays low` }
      : null,
];

/** Every warning that applies, in a fixed order. */
export function runWarnings(facts: WarningFacts): RunWarning[] {
  return RULES.map((rule) => rule(facts)).filter((w): w is RunWarning => w !== null);
}

function describe(train: TrainChoice): string {
  return train === 'fine-tune' || train === 'gradual' ? `the ${train} preset` : 'training convolutions at the full rate';
}
