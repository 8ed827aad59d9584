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
// MobileNet, the input gradient is dy·Wᵀ, one matrix product; for any other,
// that product spread back onto the input positions (col2im).
import { tf } from '../tf';
import { onWasm } from './wasmGradients';
import { wrapWasmKernel, type WasmBackend } from './wasmKernelWrap';

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
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Adds each row of `cols` ([N·oh·ow, fh·fw·cin], what every output position
 * sends back to the filter taps' inputs) onto the input positions it came
 * from: the inverse of im2col. `out` must start at zero.
 */
export function col2imInto(cols: tf.backend_util.TypedArray, info: tf.backend_util.Conv2DInfo, out: tf.backend_util.TypedArray): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  let p = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        for (let i = 0; i < fh; i++) {
          const row = y * sh + i - top;
          for (let j = 0; j < fw; j++, p += cin) {
            const col = xo * sw + j - left;
            if (row < 0 || row >= h || col < 0 || col >= w) continue;
            const base = ((b * h + row) * w + col) * cin;
            for (let c = 0; c < cin; c++) out[base + c] += cols[p + c];
          }
        }
      }
    }
  }
}

/**
 * Gives wasm's Conv2DBackpropInput a matrix-product path (idempotent): a 1×1
 * stride-1 convolution's input gradient is dy·Wᵀ; any other NHWC one is
 * col2im(dy·Wᵀ). wasm's own kernel is a scalar loop: 101 ms for
 * MobileNetV2's first convolution (3×3, stride 2, batch 8; tfjs computes the
 * input gradient even though the input is the image), about 10 ms this way.
 */
function installWasmBackpropInputProducts(): boolean {
  return wrapWasmKernel('Conv2DBackpropInput', (original) => (args) => {
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32') return original(args);
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const [fh, fw, cin, cout] = filter.shape;
    const pointwise = fh === 1 && fw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
    const wasm = args.backend as unknown as WasmBackend;
    return onWasm(wasm, [dy, filter], (dyT, w) => {
      const cols = tf.matMul(dyT.reshape([-1, cout]), w.reshape([fh * fw * cin, cout]), false, true);
      if (pointwise) return cols.reshape(attrs.inputShape);
      const out = wasm.makeOutput(attrs.inputShape, 'float32');
      const dx = wasm.typedArrayFromHeap(out);
      dx.fill(0);
      col2imInto(wasm.typedArrayFromHeap({ dataId: cols.dataId, shape: cols.shape, dtype: 'float32' }), info, dx);
      return tf.engine().makeTensorFromTensorInfo(out);
    }) as never;
  });
}

/** Installs both fast paths on the wasm backend (idempotent; call once wasm is active). */
export function installWasmFastKernels(): void {
  installWasmTransposedMatMul();
  installWasmBackpropInputProducts();
}
