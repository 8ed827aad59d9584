// wasm kernels that tfjs runs as scalar loops (with per-element index
// arithmetic) although they are plain streams, replaced for the common case
// by the SIMD loops of simd/kernels.wat. Profiled on a MobileNetV2-224
// training pass with every layer trainable (batch 8, one thread):
//
// - GreaterEqual, LessEqual, LogicalAnd and Select are the ReLU6 gradient
//   (tfjs-layers applies ReLU(max 6) as relu then clipByValue, whose gradient
//   is where(x ≥ 0 ∧ x ≤ 6, dy, 0)): 680 ms of 4.5 s, 4 passes over every
//   activation.
// - Sum over the leading axes (BatchNormalization's γ and β gradients, a
//   Dense bias gradient): wasm transposes, then reduces; 480 ms.
// - Transpose of a matrix: the transposed products of backpropagation
//   (wasmFastKernels.ts) transpose an operand first; wasm's loop runs at about
//   3 ns per element (60 ms for the 100352×96 input of one 1×1 convolution).
//
// Anything else (broadcasting, other dtypes, shapes that are not multiples of
// 4 where the loops need them) goes to tfjs' own kernel.
import { tf } from '../tf';
import { wrapWasmKernel, type TensorInfo, type WasmBackend } from './wasmKernelWrap';
import { heapSimd, type HeapSimd } from './simd/heapSimd';

const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/** A tensor's byte offset in the wasm heap. */
export function heapAddress(wasm: WasmBackend, info: TensorInfo): number {
  return wasm.typedArrayFromHeap(info).byteOffset;
}

interface Disposing {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Wraps wasm's `kernelName`: `fast` returns an output, or undefined to hand the call to tfjs' kernel. */
function withSimd(kernelName: string, fast: (inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>, wasm: WasmBackend, simd: HeapSimd) => TensorInfo | undefined): boolean {
  return wrapWasmKernel(kernelName, (original) => (args) => {
    const simd = heapSimd(args.backend);
    const out = simd && fast(args.inputs as never, (args.attrs ?? {}) as Record<string, unknown>, args.backend as unknown as WasmBackend, simd);
    return (out ?? original(args)) as never;
  });
}

/** Swapping the last two axes of float32 or int32 matrices whose sides are multiples of 4. */
function installTranspose(): boolean {
  return withSimd('Transpose', ({ x }, attrs, wasm, simd) => {
    const perm = attrs.perm as number[];
    const rank = x.shape.length;
    const swapsLast = rank >= 2 && perm.every((p, i) => (i < rank - 2 ? p === i : p === (i === rank - 1 ? rank - 2 : rank - 1)));
    const [rows, cols] = x.shape.slice(-2);
    if (!swapsLast || x.dtype === 'bool' || x.dtype === 'string' || rows % 4 !== 0 || cols % 4 !== 0 || size(x) === 0) return undefined;
    const out = wasm.makeOutput(perm.map((p) => x.shape[p]), x.dtype);
    const [src, dst] = [heapAddress(wasm, x), heapAddress(wasm, out)];
    for (let m = 0; m < size(x) / (rows * cols); m++) simd.transpose(src + m * rows * cols * 4, dst + m * rows * cols * 4, rows, cols);
    return out;
  });
}

/** x ≥ s or x ≤ s for a float32 x and a scalar s. */
function installCompare(kernelName: 'GreaterEqual' | 'LessEqual'): boolean {
  return withSimd(kernelName, ({ a, b }, _attrs, wasm, simd) => {
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || size(b) !== 1) return undefined;
    const scalar = wasm.typedArrayFromHeap(b)[0];
    const out = wasm.makeOutput(a.shape, 'bool');
    simd.compareScalar(heapAddress(wasm, a), heapAddress(wasm, out), size(a), scalar, kernelName === 'LessEqual' ? 1 : 0);
    return out;
  });
}

const sameShape = (a: TensorInfo, b: TensorInfo) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function installLogicalAnd(): boolean {
  return withSimd('LogicalAnd', ({ a, b }, _attrs, wasm, simd) => {
    if (a.dtype !== 'bool' || b.dtype !== 'bool' || !sameShape(a, b)) return undefined;
    const out = wasm.makeOutput(a.shape, 'bool');
    simd.andBytes(heapAddress(wasm, a), heapAddress(wasm, b), heapAddress(wasm, out), size(a));
    return out;
  });
}

/** where(condition, t, e) with all three of one shape and 4-byte values. */
function installSelect(): boolean {
  return withSimd('Select', ({ condition, t, e }, _attrs, wasm, simd) => {
    const fourBytes = (x: TensorInfo) => x.dtype === 'float32' || x.dtype === 'int32';
    if (condition.dtype !== 'bool' || !fourBytes(t) || t.dtype !== e.dtype || !sameShape(condition, t) || !sameShape(t, e)) return undefined;
    const out = wasm.makeOutput(t.shape, t.dtype);
    simd.select(heapAddress(wasm, condition), heapAddress(wasm, t), heapAddress(wasm, e), heapAddress(wasm, out), size(t));
    return out;
  });
}

/** A float32 sum over leading axes (0..k−1) whose remaining size is a multiple of 4, summed in float64. */
function installLeadingSum(): boolean {
  return withSimd('Sum', ({ x }, attrs, wasm, simd) => {
    const rank = x.shape.length;
    const axes = [attrs.axis as number | number[]].flat().map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const cols = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    if (x.dtype !== 'float32' || !leading || cols % 4 !== 0 || size(x) === 0) return undefined;
    const shape = attrs.keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const out = wasm.makeOutput(shape, 'float32');
    const scratch = wasm.makeOutput([cols * 2], 'float32'); // cols float64 accumulators
    try {
      // tfjs' allocator aligns to 8 bytes or more, as a Float64Array needs.
      const acc = new Float64Array(wasm.typedArrayFromHeap(scratch).buffer, heapAddress(wasm, scratch), cols);
      acc.fill(0);
      simd.columnSums(heapAddress(wasm, x), acc.byteOffset, size(x) / cols, cols);
      // The loop may not grow the heap, so `acc` still views it.
      (wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
    } finally {
      (wasm as unknown as Disposing).disposeData(scratch.dataId, true);
    }
    return out;
  });
}

/**
 * A kernel of our own: the gradient of tfjs' ReLU layer with a maximum (relu,
 * then clipByValue(0, max); ReLU6 in MobileNetV2) in one pass, where tfjs'
 * gradients take seven kernels (Step, Multiply, GreaterEqual, LessEqual,
 * LogicalAnd, ZerosLike, Select). model/reluLayers.ts uses it where the
 * active backend has it.
 */
export const RELU_CLIP_GRAD = 'FinetuneReluClipGrad';

function installReluClipGrad(): void {
  if (tf.getKernel(RELU_CLIP_GRAD, 'wasm') || !heapSimd(tf.findBackend('wasm'))) return;
  tf.registerKernel({
    kernelName: RELU_CLIP_GRAD,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
      const wasm = args.backend as unknown as WasmBackend;
      const simd = heapSimd(wasm);
      if (!simd || x.dtype !== 'float32' || dy.dtype !== 'float32' || !sameShape(x, dy)) throw new Error(`${RELU_CLIP_GRAD} needs the wasm heap and two float32 tensors of one shape`);
      const out = wasm.makeOutput(x.shape, 'float32');
      simd.reluClipGrad(heapAddress(wasm, x), heapAddress(wasm, dy), heapAddress(wasm, out), size(x), (args.attrs as { max: number }).max);
      return out as never;
    },
  });
}

/** Installs the SIMD paths on the wasm backend (idempotent; kernels without a heap to reach stay tfjs'). */
export function installWasmSimdKernels(): void {
  installReluClipGrad();
  installTranspose();
  installCompare('GreaterEqual');
  installCompare('LessEqual');
  installLogicalAnd();
  installSelect();
  installLeadingSum();
}
