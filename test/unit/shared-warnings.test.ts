// Each warning rule: one set of facts that triggers it, one that does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyHalfWidth, runWarnings, type WarningFacts, type WarningId } from '../../src/shared/warnings';

/** A run that should raise no warning at all. */
const calm: WarningFacts = {
  learningRate: 1e-3,
  optimizer: 'adam',
  batchSize: 32,
  batchNormMode: 'inference',
  train: 'head',
  input: [224, 224, 3],
  trainableBatchNorm: 0,
  trainableConvolutions: 0,
  trainableBaseLayers: 0,
  trainPerClass: [{ name: 'cats', count: 200 }, { name: 'dogs', count: 180 }],
  validationCount: 400,
  crossSplitDuplicates: 0,
  imageSides: { medianShortSide: 300, greyscale: 0, sampled: 20 },
  preprocessingFrom: 'model',
};

const ids = (f: Partial<WarningFacts>) => runWarnings({ ...calm, ...f }).map((w) => w.id);

function rule(id: WarningId, triggering: Partial<WarningFacts>, quiet: Partial<WarningFacts>) {
  assert.deepEqual(ids(triggering), [id], `${id} should fire`);
  assert.deepEqual(ids(quiet), [], `${id} should stay quiet`);
}

test('calm facts raise nothing', () => {
  assert.deepEqual(runWarnings(calm), []);
});

test('trainable BatchNormalization on batches under 16, unless it runs in inference mode or the batch is 16', () => {
  rule('batchNormSmallBatch', { trainableBatchNorm: 3, batchNormMode: 'batch', batchSize: 4 }, { trainableBatchNorm: 3, batchNormMode: 'batch', batchSize: 16 });
  assert.deepEqual(ids({ trainableBatchNorm: 3, batchNormMode: 'inference', batchSize: 4 }), []);
  assert.deepEqual(runWarnings({ ...calm, trainableBatchNorm: 3, batchNormMode: 'batch', batchSize: 4 })[0].fix?.patch, { batchNormMode: 'inference' });
});

test('a learning rate above what the preset suggests for unfrozen convolutions', () => {
  const conv = { trainableConvolutions: 10, trainableBaseLayers: 10, train: 'all' as const };
  rule('learningRateHigh', { ...conv, learningRate: 1e-3 }, { ...conv, learningRate: 1e-4 });
  assert.deepEqual(ids({ ...conv, train: 'fine-tune', learningRate: 1e-3 }), [], 'fine-tune gives the bottom lr/100');
  assert.deepEqual(ids({ ...conv, optimizer: 'sgd', learningRate: 1e-3 }), [], 'sgd rates run higher');
  assert.deepEqual(runWarnings({ ...calm, ...conv, learningRate: 1e-3 })[0].fix?.patch, { learningRate: 1e-4 });
});

test('images much smaller than the model input', () => {
  rule('imagesSmall', { imageSides: { medianShortSide: 28, greyscale: 0, sampled: 20 } }, { imageSides: { medianShortSide: 160, greyscale: 0, sampled: 20 } });
  assert.match(runWarnings({ ...calm, imageSides: { medianShortSide: 28, greyscale: 0, sampled: 20 } })[0].message, /28 px .* 224/);
});

test('greyscale images into a 3-channel model, but not into a 1-channel one or with some colour images', () => {
  const grey = { medianShortSide: 300, greyscale: 20, sampled: 20 };
  rule('greyscaleIntoColour', { imageSides: grey }, { imageSides: { ...grey, greyscale: 19 } });
  assert.deepEqual(ids({ imageSides: grey, input: [224, 224, 1] }), []);
});

test('fewer than 10 images per class with more than the head trainable', () => {
  const few = [{ name: 'a', count: 8 }, { name: 'b', count: 30 }];
  rule('fewImagesWideTraining', { trainPerClass: few, trainableBaseLayers: 4 }, { trainPerClass: few, trainableBaseLayers: 0 });
  assert.match(runWarnings({ ...calm, trainPerClass: few, trainableBaseLayers: 4 })[0].message, /class "a" has 8/);
});

test('a validation set too small for its accuracy to mean much, with the interval', () => {
  rule('smallValidation', { validationCount: 40 }, { validationCount: 385 });
  assert.match(runWarnings({ ...calm, validationCount: 40 })[0].message, /±15 points/);
  assert.ok(Math.abs(accuracyHalfWidth(100) - 0.098) < 1e-9);
});

test('duplicates across splits', () => {
  rule('duplicatesAcrossSplits', { crossSplitDuplicates: 2 }, { crossSplitDuplicates: 0 });
});

test('an input range nothing in the model states', () => {
  rule('inputRangeGuessed', { preprocessingFrom: 'guess' }, { preprocessingFrom: 'catalog' });
});
