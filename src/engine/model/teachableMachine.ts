// Teachable Machine image exports: a `my_model/` folder with model.json,
// weights.bin and metadata.json. The metadata names the classes; the input is
// what @teachablemachine/image's `predict` feeds: the image scaled to cover a
// square and centre-cropped (`cropTo`), then `pixels / 127 − 1` (`capture`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Preprocessing } from '../../shared/preprocessing';
import { ModelFileError } from './modelFileError';

export const TM_METADATA_JSON = 'metadata.json';
export const TM_PACKAGE_NAME = '@teachablemachine/image';
/** The square side `predict` crops to (IMAGE_SIZE in its custom-mobilenet.ts). */
export const TM_IMAGE_SIZE = 224;

/**
 * metadata.json as @teachablemachine/image writes it. Only `labels` is
 * required by its loader (`isMetadata`); the rest is filled in when missing.
 */
export const TeachableMachineMetadataSchema = z.object({
  tfjsVersion: z.string().optional(),
  tmVersion: z.string().optional(),
  packageVersion: z.string().optional(),
  packageName: z.literal(TM_PACKAGE_NAME),
  modelName: z.string().optional(),
  timeStamp: z.string().optional(),
  labels: z.array(z.string().max(1024)).min(1).max(100_000),
  userMetadata: z.unknown().optional(),
  /** Written by Teachable Machine's site; the library itself always crops to 224. */
  imageSize: z.number().int().min(1).max(4096).optional(),
  /** A greyscale project: `capture` feeds one channel (its cropTensor's luma). */
  grayscale: z.boolean().optional(),
});
export type TeachableMachineMetadata = z.infer<typeof TeachableMachineMetadataSchema>;

/**
 * Teachable Machine's input: centre crop, then `x / 127 − 1`, written as
 * mean/std so that no new range kind is needed: (x/255 − m)/s with
 * m = s = 127/255 is exactly x/127 − 1 (127.5 would give Keras's [-1, 1]).
 */
export function teachableMachinePreprocessing(meta: TeachableMachineMetadata): Preprocessing {
  const size = meta.imageSize ?? TM_IMAGE_SIZE;
  return { height: size, width: size, channels: meta.grayscale ? 1 : 3, channelOrder: 'rgb', range: { kind: 'meanStd', mean: [127 / 255], std: [127 / 255] }, resize: 'centerCrop' };
}

/** True when a value range is exactly `capture`'s x/127 − 1. */
export function isTeachableMachineRange(range: Preprocessing['range']): boolean {
  const tm = 127 / 255;
  const is127 = (v: number[]) => v.length > 0 && v.every((x) => Math.abs(x - tm) < 1e-9);
  return range.kind === 'meanStd' && is127(range.mean) && is127(range.std);
}

/**
 * The Teachable Machine metadata of a model folder: undefined when there is
 * no metadata.json or it is another tool's (no `packageName` of
 * @teachablemachine/image). A file that claims to be Teachable Machine's but
 * is malformed is a ModelFileError with one line saying what is wrong.
 */
export function readTeachableMachineMetadata(dir: string): TeachableMachineMetadata | undefined {
  const file = join(dir, TM_METADATA_JSON);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // ENOTDIR: `dir` is a model file (a Keras .keras/.h5), which has no folder beside it to hold metadata.json.
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new ModelFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(file, `is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const packageName = (json as { packageName?: unknown } | null)?.packageName;
  if (typeof json !== 'object' || json === null || packageName !== TM_PACKAGE_NAME) return undefined;
  const parsed = TeachableMachineMetadataSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ModelFileError(file, `is not valid Teachable Machine metadata: ${issue.path.join('.') || 'file'}: ${issue.message}`);
}
