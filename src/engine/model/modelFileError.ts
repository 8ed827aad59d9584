// The error type and limits shared by every model-file check. Kept free of
// tfjs so that validation provably runs before tfjs sees any byte.

/** Limits applied before tfjs sees a byte. */
export interface ModelCaps {
  maxModelJsonBytes: number;
  maxShardBytes: number;
  maxTotalWeightBytes: number;
  maxTensorElements: number;
  maxDimension: number;
}

export const DEFAULT_CAPS: ModelCaps = {
  // InceptionV3's model.json is 200 KB; topologies of a few MB exist, 32 MB does not.
  maxModelJsonBytes: 32 * 1024 * 1024,
  // tfjs converters write 4 MB shards; a 512 MB shard is not a TF.js model.
  maxShardBytes: 512 * 1024 * 1024,
  maxTotalWeightBytes: 1024 * 1024 * 1024,
  // 2^28 float32 elements is 1 GiB: larger than any layer of an image model.
  maxTensorElements: 2 ** 28,
  // Widest dimension of any weight or size-like config value (units, filters…).
  maxDimension: 2 ** 20,
};

/** A one-line, user-facing error that names the offending file. CLI exit code 2. */
export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${oneLine(problem)}`);
    this.name = 'ModelFileError';
  }
}

/** Names that would reach Object prototypes when used as keys by tfjs. */
export const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export function hasForbiddenSegment(name: string): boolean {
  return name.split('/').some((seg) => FORBIDDEN_NAMES.has(seg));
}

/** Names from hostile files may carry newlines or be huge; a message stays one readable line. */
export function oneLine(text: string, max = 400): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
