// The wasm backend lacks three gradient kernels that training convolutions
// needs (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input).
// This registers them on wasm, computed with ops wasm has (strided slices,
// pads, matmuls, products and sums), so a Conv2D or depthwise layer trains on
// wasm with tfjs' own gradient definitions. Cases the op math does not cover
// (NCHW, dilation > 1) run tfjs' cpu kernel on copies of the inputs instead.
// This is the only place that adds convolution gradients: backend-level
// kernels, never a global tf.registerGradient override.
import { tf } from '../tf';
import { TRAINING_KERNELS } from './kernels';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface DataBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object;
  disposeData(dataId: object, force?: boolean): boolean;
}

interface WasmBackend extends DataBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
  incRef(dataId: object): void;
  typedArrayFromHeap(info: TensorInfo): tf.backend_util.TypedArray;
}

/**
 * Runs `compute` (ordinary ops, so on wasm) over tensors viewing the kernel's
 * inputs and returns its result as the kernel's output. Each view takes its
 * own reference on the input's data, since engine.makeTensorFromTensorInfo
 * does not and the tidy disposes the views: without it the caller's tensors
 * (dy, saved activations) would be freed under it.
 */
export function onWasm(backend: unknown, inputs: TensorInfo[], compute: (...views: tf.Tensor[]) => tf.Tensor): TensorInfo {
  const wasm = backend as WasmBackend;
  const result = tf.tidy(() =>
    compute(
      ...inputs.map((info) => {
        wasm.incRef(info.dataId);
        return tf.engine().makeTensorFromTensorInfo(info);
      }),
    ),
  );
  // The output keeps the result's heap data (one more reference, as wasm's own Reshape does) rather
  // than a copy: copying out and back cost two passes over an activation-sized input gradient.
  wasm.incRef(result.dataId);
  const output = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
  result.dispose();
  return output;
}

/** Wraps a cpu kernel so that it runs for a wasm tensor: copy in, compute on cpu, copy out. */
function bridged(kernelName: string): tf.KernelFunc {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (!cpuKernel) throw new Error(`the cpu backend has no ${kernelName} kernel to borrow`);
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackend;
    const cpu = tf.findBackend('cpu') as unknown as DataBackend;
    const cpuInputs: Record<string, TensorInfo> = {};
    for (const [name, info] of Object.entries(inputs as Record<string, TensorInfo>)) {
      cpuInputs[name] = { dataId: cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    }
    try {
      const result = cpuKernel.kernelFunc({ inputs: cpuInputs as never, backend: cpu as never, attrs }) as unknown as TensorInfo;
      const values = cpu.readSync(result.dataId);
      cpu.disposeData(result.dataId, true);
      return wasm.makeOutput(result.shape, result.dtype, undefined, values) as never;
    } finally {
      for (const info of Object.values(cpuInputs)) cpu.disposeData(info.dataId, true);
    }
  };
}

/**
 * The input positions each kernel offset (i, j) sees, in row-major offset
 * order: the strided window of the padded input, [N, outH, outW, C] each.
 * The depthwise filter gradient (op fallback) sums these windows against dy.
 */
function kernelWindows(x: tf.Tensor, info: tf.backend_util.Conv2DInfo, fh: number, fw: number): tf.Tensor4D[] {
  const { top, bottom, left, right } = info.padInfo;
  const xp = top || bottom || left || right ? tf.pad(x as tf.Tensor4D, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  const [n, , , c] = x.shape;
  const windows: tf.Tensor4D[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const end = [n, i + (info.outHeight - 1) * info.strideHeight + 1, j + (info.outWidth - 1) * info.strideWidth + 1, c];
      windows.push(tf.stridedSlice(xp, [0, i, j, 0], end, [1, info.strideHeight, info.strideWidth, 1]) as tf.Tensor4D);
    }
  }
  return windows;
}

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * The convolution's input as a transposed patch matrix [fh·fw·cin, N·oh·ow]
 * (zeros where a window reaches into the padding), written on the heap in one
 * pass. Row (i·fw + j)·cin + c holds what filter tap (i, j, c) sees at every
 * output position, so patches × dy is the filter gradient in the filter's own
 * layout, one product with no transposed operand. Built from strided slices
 * instead, MobileNetV2's first convolution (3×3, stride 2, on the 224×224
 * image) took 260 ms of a 4.5 s training pass at batch 8: wasm's StridedSlice
 * is a scalar loop at about 100 ns per element.
 */
function transposedPatches(wasm: WasmBackend, x: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const positions = n * oh * ow;
  const out = wasm.makeOutput([fh * fw * cin, positions], 'float32');
  const src = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let c = 0; c < cin; c++) {
        let p = ((i * fw + j) * cin + c) * positions;
        for (let b = 0; b < n; b++) {
          for (let y = 0; y < oh; y++) {
            const row = y * sh + i - top;
            const rowBase = (b * h + row) * w;
            for (let xo = 0; xo < ow; xo++, p++) {
              const col = xo * sw + j - left;
              dst[p] = row >= 0 && row < h && col >= 0 && col < w ? src[(rowBase + col) * cin + c] : 0;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * Conv2DBackpropFilter with wasm's own products: a 1×1 stride-1 convolution's
 * is xᵀ·dy, [N·H·W, Cin]ᵀ × [N·H·W, Cout]; any other is patchesᵀ·dy (see
 * transposedPatches). The cpu kernel's scalar loops are about a hundred times
 * slower on MobileNet's 1×1 convolutions.
 */
function conv2dBackpropFilterOnWasm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const [fh, fw, cin, cout] = attrs.filterShape;
    const output = onWasm(backend, [x, dy], (xt, dyt) => {
      const dyFlat = dyt.reshape([-1, cout]) as tf.Tensor2D;
      if (fh === 1 && fw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === x.shape[1] && info.outWidth === x.shape[2]) {
        const xFlat = xt.reshape([-1, cin]) as tf.Tensor2D;
        // XNNPACK's product runs best with more rows on the left (16→96 at 112×112, batch 8: 34 ms as xᵀ·dy,
        // 11 ms as (dyᵀ·x)ᵀ), so the wider operand goes left; its transposition is a SIMD pass (wasmSimdKernels.ts).
        return (cin >= cout ? tf.matMul(xFlat, dyFlat, true, false) : tf.matMul(dyFlat, xFlat, true, false).transpose()).reshape([fh, fw, cin, cout]);
      }
      const patches = tf.engine().makeTensorFromTensorInfo(transposedPatches(backend as WasmBackend, x, info)) as tf.Tensor2D;
      return tf.matMul(patches, dyFlat).reshape([fh, fw, cin, cout]);
    });
    return output as never;
  };
}

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The geometry of an NHWC, dilation-1 depthwise convolution, or null when the
 * op math below does not cover the case (dilation > 1, or a rounding mode
 * whose last window reaches past the padded input); those go to the cpu bridge.
 */
function depthwiseInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs): tf.backend_util.Conv2DInfo | null {
  const dilations = attrs.dilations ?? 1;
  if ((typeof dilations === 'number' ? [dilations] : dilations).some((d) => d !== 1)) return null;
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
  const { top, bottom, left, right } = info.padInfo;
  const fitsH = (info.outHeight - 1) * info.strideHeight + info.filterHeight <= info.inHeight + top + bottom;
  const fitsW = (info.outWidth - 1) * info.strideWidth + info.filterWidth <= info.inWidth + left + right;
  return fitsH && fitsW ? info : null;
}

/**
 * DepthwiseConv2dNativeBackpropFilter with wasm ops: for each kernel offset,
 * the strided window of the padded input times dy (as [.., c, m]), summed over
 * batch and positions. The cpu bridge's scalar loops are the slow part of
 * training MobileNet's depthwise layers on wasm.
 */
function depthwiseBackpropFilterOnWasm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
    if (!info) return fallback(args);
    const [fh, fw, c, m] = attrs.filterShape;
    const [n] = x.shape;
    const output = onWasm(args.backend, [x, dy], (xt, dyt) => {
      const dy5 = dyt.reshape([n, info.outHeight, info.outWidth, c, m]);
      const parts = kernelWindows(xt, info, fh, fw).map((window) => tf.sum(tf.mul(tf.expandDims(window, 4), dy5), [0, 1, 2]));
      return tf.stack(parts).reshape([fh, fw, c, m]);
    });
    return output as never;
  };
}

/**
 * DepthwiseConv2dNativeBackpropInput with wasm ops: each kernel offset's
 * contribution (dy weighted by that offset's filter values, summed over the
 * channel multiplier) is spread onto the input grid at stride spacing (by
 * padding with zeros), shifted by the offset, and summed; then the padding is
 * cropped off.
 */
function depthwiseBackpropInputOnWasm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
    const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
    if (!info) return fallback(args);
    const [n, h, w, c] = attrs.inputShape;
    const [fh, fw, , m] = filter.shape;
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const { top, bottom, left, right } = info.padInfo;
    const hp = h + top + bottom;
    const wp = w + left + right;
    const rows = (oh - 1) * sh + 1;
    const cols = (ow - 1) * sw + 1;
    // [n, oh, ow, c] → [n, rows, cols, c] with sh-1 / sw-1 zeros between the values.
    const spread = (t: tf.Tensor): tf.Tensor => {
      if (sh === 1 && sw === 1) return t;
      const z = tf.pad(t.reshape([n, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      return tf.slice(z.reshape([n, oh * sh, ow * sw, c]), [0, 0, 0, 0], [n, rows, cols, c]);
    };
    const output = onWasm(args.backend, [dy, filter], (dyt, filterT) => {
      const dy5 = dyt.reshape([n, oh, ow, c, m]);
      let total: tf.Tensor | null = null;
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          const weights = tf.slice(filterT, [i, j, 0, 0], [1, 1, c, m]).reshape([c, m]);
          const contribution = spread(tf.sum(tf.mul(dy5, weights), 4));
          const placed = tf.pad(contribution, [[0, 0], [i, hp - i - rows], [j, wp - j - cols], [0, 0]]);
          total = total ? tf.add(total, placed) : placed;
        }
      }
      return tf.slice(total!, [0, top, left, 0], [n, h, w, c]);
    });
    return output as never;
  };
}

/** The wasm-op implementation of each kernel we supply, given the cpu bridge to fall back to. */
const ON_WASM: Record<string, (fallback: tf.KernelFunc) => tf.KernelFunc> = {
  Conv2DBackpropFilter: conv2dBackpropFilterOnWasm,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterOnWasm,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputOnWasm,
};

/**
 * Registers the missing training kernels for wasm (idempotent). Call after the
 * wasm package is loaded. Returns the names it supplied.
 */
export function installWasmTrainingKernels(): string[] {
  const supplied: string[] = [];
  for (const kernelName of TRAINING_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    const viaCpu = bridged(kernelName);
    const kernelFunc = ON_WASM[kernelName]?.(viaCpu) ?? viaCpu;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    supplied.push(kernelName);
  }
  return supplied;
}
