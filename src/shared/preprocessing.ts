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
