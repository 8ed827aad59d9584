// The facts the warning rules (shared/warnings.ts) judge, gathered once the
// model is cut and the dataset scanned: what trains, the model input, class
// counts, and a sample of the images' sizes and channels.
import sharp from 'sharp';
import type { TrainSpec } from '../../shared/trainSpec';
import type { WarningFacts } from '../../shared/warnings';
import { HEAD_PREFIX } from '../model/transfer';
import { leafLayers } from '../model/graph';
import type { Dataset } from '../data/dataset';
import type { TrainingModel } from './source';

/** Images whose metadata is read; enough for a median, cheap on any dataset. */
const SAMPLE = 20;
const CONVOLUTIONS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'Conv1D', 'Conv3D']);

export async function gatherWarningFacts(
  spec: TrainSpec,
  model: TrainingModel,
  dataset: Dataset,
  inputShape: (number | null)[],
  preprocessingFrom: WarningFacts['preprocessingFrom'],
): Promise<WarningFacts> {
  const trains = new Set(model.phases.flatMap((p) => [...p.trainable]));
  const layers = leafLayers(model.trained).map((l) => l.layer).filter((l) => trains.has(l.name));
  const counts = dataset.classes.map((name, label) => ({ name, count: dataset.train.filter((s) => s.label === label).length }));
  return {
    learningRate: spec.learningRate,
    optimizer: spec.optimizer,
    batchSize: spec.batchSize,
    batchNormMode: spec.batchNormMode,
    train: spec.train,
    input: [inputShape[1] ?? null, inputShape[2] ?? null, inputShape[3] ?? null],
    trainableBatchNorm: layers.filter((l) => l.getClassName() === 'BatchNormalization').length,
    trainableConvolutions: layers.filter((l) => CONVOLUTIONS.has(l.getClassName())).length,
    trainableBaseLayers: layers.filter((l) => !l.name.startsWith(HEAD_PREFIX) && l.weights.length > 0).length,
    trainPerClass: counts,
    validationCount: dataset.validation.length,
    crossSplitDuplicates: dataset.health.crossSplitDuplicates.length,
    imageSides: await sampleImages(dataset.train.map((s) => s.file)),
    preprocessingFrom,
  };
}

/** Shorter sides and channel counts of up to SAMPLE evenly spaced files (headers only: sharp reads no pixels for metadata). */
async function sampleImages(files: string[]): Promise<WarningFacts['imageSides']> {
  const step = Math.max(1, Math.floor(files.length / SAMPLE));
  const picked = files.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const metas = await Promise.all(picked.map((f) => sharp(f).metadata().catch(() => null)));
  const ok = metas.filter((m): m is NonNullable<typeof m> => m !== null && m.width !== undefined && m.height !== undefined);
  if (ok.length === 0) return null;
  const sides = ok.map((m) => Math.min(m.width!, m.height!)).sort((a, b) => a - b);
  // One channel, or grey with alpha; a palette PNG of greys is not detected (its palette would need decoding).
  const greyscale = ok.filter((m) => (m.channels ?? 3) - (m.hasAlpha ? 1 : 0) === 1).length;
  return { medianShortSide: sides[Math.floor(sides.length / 2)], greyscale, sampled: ok.length };
}
