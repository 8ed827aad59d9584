// Cut, head and freeze: the transfer-learning surgery on a Layers model.
// Each part lives in its own file; this module is the entry point callers use.
import type { tf } from '../tf';
import type { Preprocessing } from '../../shared/preprocessing';

export { findDefaultCut } from './cut';
export { HEAD_PREFIX, LayerChoiceError, attachHead } from './head';
export { applyFreeze, resolveTrainable } from './freeze';
export { isBatchNormPinned } from './batchNorm';

/**
 * Preprocessing inferred from the model's input shape, with the [-1,1] range
 * Keras MobileNet/Inception use for colour models. Greyscale models (MNIST
 * style) are usually trained on [0,1]. Unknown sizes default to 224.
 */
export function defaultPreprocessing(model: tf.LayersModel): Preprocessing {
  const shape = model.inputs[0]?.shape ?? [];
  if (shape.length !== 4) throw new Error(`the model's input has shape ${JSON.stringify(shape)}; an image model takes [batch, height, width, channels]`);
  const [, h, w, c] = shape;
  const channels = c === 1 ? 1 : 3;
  return {
    height: h ?? 224,
    width: w ?? 224,
    channels,
    channelOrder: 'rgb',
    range: channels === 1 ? { kind: 'unit' } : { kind: 'symmetric' },
    resize: 'stretch',
  };
}
