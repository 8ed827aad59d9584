// The SIMD loops of kernels.wat, instantiated on the tfjs wasm backend's own
// memory, so they read and write tensors where they lie (no copies). One
// instance per wasm memory; the memory may grow, and the instance sees it.
import { SIMD_KERNELS_WASM } from './kernels.wasm';

/** The exports of kernels.wat; pointers are heap byte offsets, counts are elements. */
export interface HeapSimd {
  transpose(src: number, dst: number, rows: number, cols: number): void;
  compareScalar(x: number, out: number, n: number, s: number, le: number): void;
  reluClipGrad(x: number, dy: number, out: number, n: number, hi: number): void;
  andBytes(a: number, b: number, out: number, n: number): void;
  select(cond: number, a: number, b: number, out: number, n: number): void;
  affineRows(x: number, a: number, b: number, out: number, rows: number, c: number): void;
  affineGradRows(x: number, dy: number, a: number, dx: number, accA: number, accB: number, rows: number, c: number): void;
  columnSums(src: number, acc: number, rows: number, cols: number): void;
  depthwiseFilterImage(x: number, dy: number, acc: number, ...geometry: number[]): void;
  depthwiseInputImage(dy: number, filter: number, out: number, ...geometry: number[]): void;
}

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
}

const instances = new WeakMap<WebAssembly.Memory, HeapSimd | undefined>();
let compiled: WebAssembly.Module | undefined;

/**
 * The SIMD loops bound to `backend`'s heap, or undefined when the heap cannot
 * be reached (a tfjs build that does not expose its memory); callers then
 * keep tfjs' own kernels.
 */
export function heapSimd(backend: unknown): HeapSimd | undefined {
  const memory = (backend as { wasm?: EmscriptenModule }).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  if (!instances.has(memory)) {
    try {
      compiled ??= new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM, 'base64'));
      instances.set(memory, new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as HeapSimd);
    } catch {
      // No SIMD128 in this engine, or a shared memory (tfjs' threaded build) that this module does not
      // declare: tfjs' own kernels stay.
      instances.set(memory, undefined);
    }
  }
  return instances.get(memory);
}
