// Structural checks of model.json's weightsManifest: names, dtypes, shapes and
// quantization, and the byte count each weight needs. No tfjs here.
import { z } from 'zod';
import { ModelFileError, hasForbiddenSegment, type ModelCaps } from './modelFileError';

const QuantizationSchema = z.object({
  dtype: z.string(),
  scale: z.unknown().optional(),
  min: z.unknown().optional(),
});

const WeightEntrySchema = z.object({
  name: z.string().min(1).max(1024),
  shape: z.array(z.unknown()).max(8),
  dtype: z.string(),
  group: z.string().optional(),
  quantization: QuantizationSchema.optional(),
});

const GroupSchema = z.object({
  paths: z.array(z.string()).min(1).max(10_000),
  weights: z.array(WeightEntrySchema).max(100_000),
});

export const WeightsManifestSchema = z.array(GroupSchema).max(10_000);

/** A weight spec as tfjs expects it, after validation. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface ManifestGroup {
  paths: string[];
  specs: WeightSpec[];
  /** Bytes the specs of this group occupy in its concatenated shards. */
  bytes: number;
}

const DTYPE_BYTES: Record<WeightSpec['dtype'], number> = { float32: 4, int32: 4, bool: 1 };
const QUANT_BYTES: Record<NonNullable<WeightSpec['quantization']>['dtype'], number> = { uint8: 1, uint16: 2, float16: 2 };

/** Bytes one element of this spec takes on disk. */
export function elementBytes(spec: WeightSpec): number {
  return spec.quantization ? QUANT_BYTES[spec.quantization.dtype] : DTYPE_BYTES[spec.dtype];
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkShape(file: string, name: string, raw: unknown[], caps: ModelCaps): number[] {
  const shape: number[] = [];
  for (const d of raw) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ModelFileError(file, `weight '${name}' has shape ${JSON.stringify(raw)}: dimensions must be non-negative integers`);
    }
    if (d > caps.maxDimension) {
      throw new ModelFileError(file, `weight '${name}' has dimension ${d}, over the cap of ${caps.maxDimension}`);
    }
    shape.push(d);
  }
  const n = elementCount(shape);
  if (n > caps.maxTensorElements) {
    throw new ModelFileError(file, `weight '${name}' has ${n} elements (shape ${JSON.stringify(shape)}), over the cap of ${caps.maxTensorElements}`);
  }
  return shape;
}

function checkQuantization(file: string, name: string, q: z.infer<typeof QuantizationSchema>): WeightSpec['quantization'] {
  if (q.dtype === 'float16') return { dtype: 'float16' };
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16') {
    throw new ModelFileError(file, `weight '${name}' has unknown quantization dtype '${q.dtype}' (expected uint8, uint16 or float16)`);
  }
  for (const key of ['min', 'scale'] as const) {
    const v = q[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelFileError(file, `weight '${name}' has ${q.dtype} quantization without a finite '${key}'`);
    }
  }
  const { min, scale } = q as { min: number; scale: number };
  // Dequantized values are min + scale·q; the largest must stay finite too.
  const top = q.dtype === 'uint8' ? 255 : 65535;
  if (!Number.isFinite(min + scale * top) || !Number.isFinite(Math.fround(min + scale * top))) {
    throw new ModelFileError(file, `weight '${name}' has quantization min/scale that dequantize to Inf`);
  }
  return { dtype: q.dtype, min, scale };
}

/** Validates the manifest and computes each group's byte size. Throws ModelFileError naming `file`. */
export function validateManifest(file: string, manifest: unknown, caps: ModelCaps): ManifestGroup[] {
  if (manifest === undefined) {
    throw new ModelFileError(file, 'has no weightsManifest: a model to fine-tune needs its weights');
  }
  const parsed = WeightsManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(file, `weightsManifest is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  let total = 0;
  return parsed.data.map((group) => {
    let bytes = 0;
    const specs = group.weights.map((w): WeightSpec => {
      if (hasForbiddenSegment(w.name)) throw new ModelFileError(file, `weight name '${w.name}' is not allowed`);
      if (seen.has(w.name)) throw new ModelFileError(file, `weight name '${w.name}' appears twice; the second would silently overwrite the first`);
      seen.add(w.name);
      const shape = checkShape(file, w.name, w.shape, caps);
      if (w.dtype === 'string' || w.dtype === 'complex64') {
        throw new ModelFileError(file, `weight '${w.name}' has dtype ${w.dtype}, which a Layers model never uses`);
      }
      if (w.dtype !== 'float32' && w.dtype !== 'int32' && w.dtype !== 'bool') {
        throw new ModelFileError(file, `weight '${w.name}' has unknown dtype '${w.dtype}'`);
      }
      const spec: WeightSpec = { name: w.name, shape, dtype: w.dtype };
      if (w.quantization) {
        if (w.dtype === 'bool') throw new ModelFileError(file, `weight '${w.name}' is a quantized bool, which tfjs cannot decode`);
        spec.quantization = checkQuantization(file, w.name, w.quantization);
      }
      bytes += elementCount(shape) * elementBytes(spec);
      return spec;
    });
    total += bytes;
    if (total > caps.maxTotalWeightBytes) {
      throw new ModelFileError(file, `weights need ${total} bytes, over the cap of ${caps.maxTotalWeightBytes}`);
    }
    return { paths: group.paths, specs, bytes };
  });
}
