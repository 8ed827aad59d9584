import { z } from 'zod';

/**
 * How pixels become the model's input tensor. It comes from the model (its
 * input shape and, for catalog models, the documented value range), may be
 * overridden by the user, and is saved next to every fine-tuned model so that
 * classification later feeds it exactly what training did.
 */
export const PreprocessingSchema = z.object({
  /** Input height and width in pixels. */
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  /** 1 = greyscale, 3 = colour. */
  channels: z.union([z.literal(1), z.literal(3)]),
  channelOrder: z.enum(['rgb', 'bgr']).default('rgb'),
  /**
   * Value range of the input: `unit` = [0,1], `symmetric` = [-1,1],
   * `raw` = [0,255], `meanStd` = (x/255 - mean) / std per channel.
   */
  range: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('unit') }),
    z.object({ kind: z.literal('symmetric') }),
    z.object({ kind: z.literal('raw') }),
    z.object({ kind: z.literal('meanStd'), mean: z.array(z.number()).min(1).max(3), std: z.array(z.number().positive()).min(1).max(3) }),
  ]),
  /** How an image is fitted to height × width. */
  resize: z.enum(['stretch', 'centerCrop']).default('stretch'),
});
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

/**
 * Value-range presets for a model that declares none (a Keras file of an
 * unknown architecture): `0,1`, `-1,1`, `0,255`, and the two mean/std
 * conventions of keras.applications: `caffe` (BGR, ImageNet means subtracted
 * in 0–255, as ResNet50 and VGG) and `torch` (RGB, ImageNet mean/std on [0,1],
 * as DenseNet).
 */
export const InputRangeSchema = z.enum(['0,1', '-1,1', '0,255', 'caffe', 'torch']);
export type InputRange = z.infer<typeof InputRangeSchema>;

/** `preprocessing` with its value range (and, for caffe, channel order) replaced by the preset. */
export function withInputRange(preprocessing: Preprocessing, preset: InputRange | undefined): Preprocessing {
  switch (preset) {
    case undefined:
      return preprocessing;
    case '0,1':
      return { ...preprocessing, channelOrder: 'rgb', range: { kind: 'unit' } };
    case '-1,1':
      return { ...preprocessing, channelOrder: 'rgb', range: { kind: 'symmetric' } };
    case '0,255':
      return { ...preprocessing, channelOrder: 'rgb', range: { kind: 'raw' } };
    case 'caffe':
      // (x/255 - m/255) / (1/255) = x - m: the means in 0-255, in B, G, R order.
      return { ...preprocessing, channelOrder: 'bgr', range: { kind: 'meanStd', mean: [103.939 / 255, 116.779 / 255, 123.68 / 255], std: [1 / 255, 1 / 255, 1 / 255] } };
    case 'torch':
      return { ...preprocessing, channelOrder: 'rgb', range: { kind: 'meanStd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } };
  }
}
