// Four wasm kernels that only copy or spread values, yet dominate a training
// step because wasm runs them as per-element loops or copies. Tile and
// AvgPoolGrad were profiled on MobileNetV2 `top:4` (batch 32, 7×7×1280):
//
// Tile: the gradient of an inference-mode BatchNormalization tiles its scale
// [1,1,1,C] to [N,H,W,C] (tfjs' batchNorm gradient). wasm took 198 ms for
// one such tile; as block copies (TypedArray.set) it is a few ms.
//
// AvgPoolGrad: a pooling window that covers the whole input (the 7×7
// average pool of MobileNetV2 and any global average) spreads dy/(H·W) over
// every position, again a block copy. wasm's loop took 72 ms.
//
// Identity: tfjs' engine clones every tensor a custom-gradient op saves for
// its backward pass, and wasm's Identity copies the data (636 calls, 253 ms
// of a 4.5 s MobileNetV2 training pass at batch 8). Tensor data is never
// written in place, so the clone can share the data with one more reference,
// as the cpu backend's Identity does. Likewise a Cast to the same dtype
// (258 calls, 59 ms).
//
// Slice: the gradient of a zero padding (MobileNetV2 pads before each
// stride-2 depthwise convolution) slices dy; wasm's loop took 60 ms for the
// four of one training pass at batch 8. Rows are contiguous: block copies.
import { tf } from '../tf';
import { wrapWasmKernel, type TensorInfo, type WasmBackend } from './wasmKernelWrap';

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Tiles `src` (of `shape`) into `out` by `reps`, one axis at a time from the
 * innermost: each step repeats contiguous blocks, so every write is a copy.
 */
export function tileInto(src: tf.backend_util.TypedArray, shape: number[], reps: number[], out: tf.backend_util.TypedArray): void {
  const current = [...shape];
  out.set(src, 0);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (reps[axis] === 1) continue;
    const outer = product(current.slice(0, axis));
    const block = product(current.slice(axis));
    // Spread from the last outer block backwards, so no block is overwritten before it is read.
    for (let o = outer - 1; o >= 0; o--) {
      const from = o * block;
      const to = o * block * reps[axis];
      if (to !== from) out.copyWithin(to, from, from + block);
      for (let r = 1; r < reps[axis]; r++) out.copyWithin(to + r * block, to, to + block);
    }
    current[axis] *= reps[axis];
  }
}

function installTile(): boolean {
  return wrapWasmKernel('Tile', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    const reps = (args.attrs as { reps: number[] }).reps;
    if (x.dtype === 'string' || reps.length !== x.shape.length) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype);
    if (product(out.shape) > 0) tileInto(wasm.typedArrayFromHeap(x), x.shape, reps, wasm.typedArrayFromHeap(out));
    return out as never;
  });
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: unknown;
  dimRoundingMode?: string;
}

const pair = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);

function installGlobalAvgPoolGrad(): boolean {
  return wrapWasmKernel('AvgPoolGrad', (original) => (args) => {
    const { dy, input } = args.inputs as unknown as { dy: TensorInfo; input: TensorInfo };
    const attrs = args.attrs as unknown as PoolAttrs;
    const [n, h, w, c] = input.shape;
    const [fh, fw] = pair(attrs.filterSize);
    // Only a window exactly the input's size with no padding: one output position per image.
    const global = fh === h && fw === w && (attrs.pad === 'valid' || attrs.pad === 0) && dy.shape[1] === 1 && dy.shape[2] === 1 && dy.dtype === 'float32';
    if (!global) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(input.shape, 'float32');
    const grads = wasm.typedArrayFromHeap(dy);
    const dx = wasm.typedArrayFromHeap(out);
    const area = h * w;
    for (let i = 0; i < n; i++) {
      const base = i * area * c;
      for (let k = 0; k < c; k++) dx[base + k] = grads[i * c + k] / area;
      for (let p = 1; p < area; p++) dx.copyWithin(base + p * c, base, base + c);
    }
    return out as never;
  });
}

/** Identity, and a Cast to the dtype a tensor already has (the ReLU gradient casts step(x), already float32), share the data. */
function installSharedIdentity(kernelName: 'Identity' | 'Cast'): boolean {
  return wrapWasmKernel(kernelName, (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    if (x.dtype === 'string' || (kernelName === 'Cast' && (args.attrs as { dtype: string }).dtype !== x.dtype)) return original(args);
    (args.backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
  });
}

/**
 * Copies the slice `begin`/`size` of `src` (of `shape`) into `out`, one
 * contiguous run at a time: the run is the innermost axis the slice cuts,
 * with every axis inside it whole.
 */
export function sliceInto(src: tf.backend_util.TypedArray, shape: number[], begin: number[], size: number[], out: tf.backend_util.TypedArray): void {
  let cut = shape.length - 1;
  while (cut > 0 && begin[cut] === 0 && size[cut] === shape[cut]) cut--;
  const run = product(size.slice(cut));
  const strides = shape.map((_, a) => product(shape.slice(a + 1)));
  const outer = size.slice(0, cut);
  const index = outer.map(() => 0);
  for (let o = 0, count = product(outer); o < count; o++) {
    let from = begin[cut] * strides[cut];
    for (let a = 0; a < cut; a++) from += (begin[a] + index[a]) * strides[a];
    out.set(src.subarray(from, from + run), o * run);
    for (let a = cut - 1; a >= 0 && ++index[a] === outer[a]; a--) index[a] = 0;
  }
}

function installBlockSlice(): boolean {
  return wrapWasmKernel('Slice', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
    if (x.dtype === 'string' || x.shape.length === 0) return original(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
    if (product(size) === 0) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(size, x.dtype);
    sliceInto(wasm.typedArrayFromHeap(x), x.shape, begin, size, wasm.typedArrayFromHeap(out));
    return out as never;
  });
}

/** Installs the copy-based kernels on the wasm backend (idempotent). */
export function installWasmCopyKernels(): void {
  installTile();
  installGlobalAvgPoolGrad();
  installSharedIdentity('Identity');
  installSharedIdentity('Cast');
  installBlockSlice();
}
