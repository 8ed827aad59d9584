// Both depthwise convolution gradients as direct loops over the wasm heap.
// Profiled on a MobileNetV2 training step with every layer trainable (wasm,
// 2 images): DepthwiseConv2dNativeBackpropFilter took 25% of the kernel time
// and DepthwiseConv2dNativeBackpropInput 10%, plus most of the 22% in
// StridedSlice, because wasmGradients.ts builds them from tensor ops: nine
// strided windows (copies) of the padded input, nine products and nine sums.
// One pass over dy that reads the heap in place does the same arithmetic
// with no intermediate tensors. Cases these loops do not cover (dilation > 1,
// NCHW) keep the op-based kernels they wrap.
import { tf } from '../tf';
import { wrapWasmKernel, type TensorInfo, type WasmBackend } from './wasmKernelWrap';

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The convolution's geometry, or null for what the loops do not handle. */
function geometry(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs): tf.backend_util.Conv2DInfo | null {
  const dilations = attrs.dilations ?? 1;
  if ((typeof dilations === 'number' ? [dilations] : dilations).some((d) => d !== 1) || attrs.dataFormat === 'NCHW') return null;
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
}

/**
 * dFilter[i,j,c,k] = Σ over images and output positions of
 * x[row, col, c] · dy[y, x, c·M + k], row = y·sh + i − top, col = x·sw + j − left
 * (positions in the padding contribute 0). Sums in float64, like a careful
 * reduction, then stored as float32.
 */
export function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, m: number, out: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const acc = new Float64Array(fh * fw * c * m);
  const cm = c * m;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((b * oh + y) * ow + xo) * cm;
        for (let i = 0; i < fh; i++) {
          const row = y * sh + i - top;
          if (row < 0 || row >= h) continue;
          for (let j = 0; j < fw; j++) {
            const col = xo * sw + j - left;
            if (col < 0 || col >= w) continue;
            const xBase = ((b * h + row) * w + col) * c;
            const accBase = (i * fw + j) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) acc[accBase + k] += x[xBase + k] * dy[dyBase + k];
            } else {
              for (let k = 0; k < c; k++) {
                const xv = x[xBase + k];
                for (let q = 0; q < m; q++) acc[accBase + k * m + q] += xv * dy[dyBase + k * m + q];
              }
            }
          }
        }
      }
    }
  }
  for (let p = 0; p < acc.length; p++) out[p] = acc[p];
}

/** dX[row, col, c] = Σ over the output positions and kernel offsets that read it of Σ_k dy[y, x, c·M + k] · filter[i, j, c, k]. */
export function depthwiseInputGrad(dy: Float32Array, filter: Float32Array, info: tf.backend_util.Conv2DInfo, m: number, out: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  out.fill(0);
  const cm = c * m;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((b * oh + y) * ow + xo) * cm;
        for (let i = 0; i < fh; i++) {
          const row = y * sh + i - top;
          if (row < 0 || row >= h) continue;
          for (let j = 0; j < fw; j++) {
            const col = xo * sw + j - left;
            if (col < 0 || col >= w) continue;
            const outBase = ((b * h + row) * w + col) * c;
            const fBase = (i * fw + j) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) out[outBase + k] += dy[dyBase + k] * filter[fBase + k];
            } else {
              for (let k = 0; k < c; k++) {
                let sum = 0;
                for (let q = 0; q < m; q++) sum += dy[dyBase + k * m + q] * filter[fBase + k * m + q];
                out[outBase + k] += sum;
              }
            }
          }
        }
      }
    }
  }
}

function installFilterGrad(): boolean {
  return wrapWasmKernel('DepthwiseConv2dNativeBackpropFilter', (original) => (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const info = x.dtype === 'float32' && dy.dtype === 'float32' ? geometry(x.shape, attrs.filterShape, attrs) : null;
    if (!info) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(attrs.filterShape, 'float32');
    depthwiseFilterGrad(wasm.typedArrayFromHeap(x) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, info, attrs.filterShape[3], wasm.typedArrayFromHeap(out) as Float32Array);
    return out as never;
  });
}

function installInputGrad(): boolean {
  return wrapWasmKernel('DepthwiseConv2dNativeBackpropInput', (original) => (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
    const info = dy.dtype === 'float32' && filter.dtype === 'float32' ? geometry(attrs.inputShape, filter.shape, attrs) : null;
    if (!info) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(attrs.inputShape, 'float32');
    depthwiseInputGrad(wasm.typedArrayFromHeap(dy) as Float32Array, wasm.typedArrayFromHeap(filter) as Float32Array, info, filter.shape[3], wasm.typedArrayFromHeap(out) as Float32Array);
    return out as never;
  });
}

/** Installs both loops over the op-based kernels of wasmGradients.ts (idempotent; call after installWasmTrainingKernels). */
export function installWasmDepthwiseKernels(): void {
  installFilterGrad();
  installInputGrad();
}
