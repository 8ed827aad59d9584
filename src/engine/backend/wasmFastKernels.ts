// Two wasm kernels that training leans on are far slower than the same work
// done with other wasm kernels; this wraps them with fast paths.
//
// BatchMatMul: tfjs-backend-wasm 4.22 multiplies a transposed operand (BatchMatMul with
// transposeA or transposeB) about 12× slower than transposing it first and
// multiplying plainly: measured on [1568,960]ᵀ × [1568,320], 666 ms against
// 55 ms. Backpropagation is full of transposed products (a Dense layer's
// weight gradient is xᵀ·dy, its input gradient dy·Wᵀ; the convolution
// weight gradient in wasmGradients.ts is patchesᵀ·dy), so training on wasm
// spends most of its time there. The wrapper transposes the operand first.
//
// Conv2DBackpropInput: wasm's kernel is a plain loop (797 ms for a 1×1
// convolution's input gradient at [32,7,7,1280], 68 ms as a product). For
// 1×1 stride-1 convolutions, the pointwise ones that make up most of
// MobileNet, the input gradient is dy·Wᵀ, one matrix product.
import { tf } from '../tf';
import { onWasm } from './wasmGradients';
import { wrapWasmKernel } from './wasmKernelWrap';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface DisposingBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Replaces wasm's BatchMatMul with one that transposes operands explicitly (idempotent). Returns true the first time. */
function installWasmTransposedMatMul(): boolean {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return false;
  return wrapWasmKernel('BatchMatMul', (original) => (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const { a, b } = args.inputs as unknown as { a: TensorInfo; b: TensorInfo };
    // Operands arrive with their own rank (2 or more); the product is over the last two dimensions.
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return transpose.kernelFunc({ inputs: { x: t } as never, backend: args.backend, attrs: { perm } }) as unknown as TensorInfo;
    };
    const ta = attrs.transposeA ? swapLast(a) : a;
    const tb = attrs.transposeB ? swapLast(b) : b;
    try {
      return original({ ...args, inputs: { a: ta, b: tb } as never, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      const backend = args.backend as unknown as DisposingBackend;
      // Not forced: a no-op transpose (a size-1 dimension) returns the input's own data with one more reference.
      if (ta !== a) backend.disposeData(ta.dataId);
      if (tb !== b) backend.disposeData(tb.dataId);
    }
  });
}

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: unknown;
  dataFormat: 'NHWC' | 'NCHW';
  inputShape: [number, number, number, number];
}

function isPointwise(filterShape: number[], attrs: BackpropInputAttrs): boolean {
  const [fh, fw] = filterShape;
  const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  const noPadding = attrs.pad === 'same' || attrs.pad === 'valid' || attrs.pad === 0;
  return fh === 1 && fw === 1 && strides[0] === 1 && strides[1] === 1 && attrs.dataFormat !== 'NCHW' && noPadding;
}

/** Gives wasm's Conv2DBackpropInput a matrix-product path for 1×1 stride-1 convolutions (idempotent). */
function installWasmPointwiseBackpropInput(): boolean {
  return wrapWasmKernel('Conv2DBackpropInput', (original) => (args) => {
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    if (!isPointwise(filter.shape, attrs)) return original(args);
    const [, , cin, cout] = filter.shape;
    return onWasm(args.backend, [dy, filter], (dyT, w) => tf.matMul(dyT.reshape([-1, cout]), w.reshape([cin, cout]), false, true).reshape(attrs.inputShape)) as never;
  });
}

/** Installs both fast paths on the wasm backend (idempotent; call once wasm is active). */
export function installWasmFastKernels(): void {
  installWasmTransposedMatMul();
  installWasmPointwiseBackpropInput();
}
