// NaN/Inf scan of raw weight bytes, per spec, without tfjs.
import { ModelFileError } from './modelFileError';
import { elementBytes, elementCount, type WeightSpec } from './manifest';

function firstNonFiniteFloat32(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += 4) {
    if (!Number.isFinite(view.getFloat32(i, true))) return i / 4;
  }
  return -1;
}

function firstNonFiniteFloat16(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += 2) {
    // Exponent all ones means Inf or NaN in IEEE half precision.
    if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) return i / 2;
  }
  return -1;
}

/** Throws naming the weight and the element index of the first NaN or Inf. */
export function checkFinite(file: string, specs: WeightSpec[], data: ArrayBuffer): void {
  let offset = 0;
  for (const spec of specs) {
    const size = elementCount(spec.shape) * elementBytes(spec);
    const bytes = new Uint8Array(data, offset, size);
    offset += size;
    let bad = -1;
    if (spec.quantization?.dtype === 'float16') bad = firstNonFiniteFloat16(bytes);
    else if (!spec.quantization && spec.dtype === 'float32') bad = firstNonFiniteFloat32(bytes);
    // uint8/uint16 quantized values are min + scale·q with finite min/scale (checked in the manifest).
    if (bad >= 0) throw new ModelFileError(file, `weight '${spec.name}' holds NaN or Inf (element ${bad})`);
  }
}
