// Both depthwise convolution gradients as direct loops over the wasm heap.
// Profiled on a MobileNetV2 training step with every layer trainable (wasm,
// 2 images): DepthwiseConv2dNativeBackpropFilter took 25% of the kernel time
// and DepthwiseConv2dNativeBackpropInput 10%, plus most of the 22% in
// StridedSlice, because wasmGradients.ts builds them from tensor ops: nine
// strided windows (copies) of the padded input, nine products and nine sums.
// One pass over dy that reads the heap in place does the same arithmetic
// with no intermediate tensors. Cases these loops do not cover (dilation > 1,
// NCHW) keep the op-based kernels they wrap. With channel multiplier 1 and
// channels in fours (every depthwise layer of MobileNet) the loops are SIMD
// (simd/kernels.wat): on a MobileNetV2 training pass at batch 8 the two
// gradients went from 550 + 496 ms (scalar JavaScript) to 49 + 40 ms.
import { tf } from '../tf';
import { wrapWasmKernel, type TensorInfo, type WasmBackend } from './wasmKernelWrap';
import { heapSimd, type HeapSimd } from './simd/heapSimd';
import { heapAddress } from './wasmSimdKernels';

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

/** The loops' shared arguments after the three pointers: h, w, c, oh, ow, sh, sw, fh, fw, top, left. */
function simdGeometry(info: tf.backend_util.Conv2DInfo): number[] {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  return [inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo.top, padInfo.left];
}

/** SIMD covers channel multiplier 1 with channels in whole groups of 4 (every depthwise layer of MobileNet). */
const simdCovers = (info: tf.backend_util.Conv2DInfo, m: number) => m === 1 && info.inChannels > 0 && info.inChannels % 4 === 0 && info.outHeight > 0 && info.outWidth > 0;

/**
 * The filter gradient with the SIMD loop, one image at a time: each image's
 * sums (at most H·W terms) in float32, added across images in float64.
 */
function simdFilterGrad(simd: HeapSimd, wasm: WasmBackend, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo, out: TensorInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const length = info.filterHeight * info.filterWidth * c;
  const scratch = wasm.makeOutput([length], 'float32');
  const total = new Float64Array(length);
  try {
    const [xp, dyp, accp] = [heapAddress(wasm, x), heapAddress(wasm, dy), heapAddress(wasm, scratch)];
    for (let b = 0; b < n; b++) {
      const acc = wasm.typedArrayFromHeap(scratch);
      acc.fill(0);
      simd.depthwiseFilterImage(xp + b * h * w * c * 4, dyp + b * oh * ow * c * 4, accp, ...simdGeometry(info));
      for (let p = 0; p < length; p++) total[p] += acc[p];
    }
    wasm.typedArrayFromHeap(out).set(total);
  } finally {
    (wasm as unknown as { disposeData(dataId: object, force: boolean): void }).disposeData(scratch.dataId, true);
  }
}

function simdInputGrad(simd: HeapSimd, wasm: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo, out: TensorInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  wasm.typedArrayFromHeap(out).fill(0);
  const [dyp, fp, outp] = [heapAddress(wasm, dy), heapAddress(wasm, filter), heapAddress(wasm, out)];
  for (let b = 0; b < n; b++) simd.depthwiseInputImage(dyp + b * oh * ow * c * 4, fp, outp + b * h * w * c * 4, ...simdGeometry(info));
}

function installFilterGrad(): boolean {
  return wrapWasmKernel('DepthwiseConv2dNativeBackpropFilter', (original) => (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const info = x.dtype === 'float32' && dy.dtype === 'float32' ? geometry(x.shape, attrs.filterShape, attrs) : null;
    if (!info) return original(args);
    const wasm = args.backend as unknown as WasmBackend;
    const out = wasm.makeOutput(attrs.filterShape, 'float32');
    const simd = heapSimd(wasm);
    if (simd && simdCovers(info, attrs.filterShape[3])) {
      simdFilterGrad(simd, wasm, x, dy, info, out);
      return out as never;
    }
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
    const simd = heapSimd(wasm);
    if (simd && simdCovers(info, filter.shape[3])) {
      simdInputGrad(simd, wasm, dy, filter, info, out);
      return out as never;
    }
    depthwiseInputGrad(wasm.typedArrayFromHeap(dy) as Float32Array, wasm.typedArrayFromHeap(filter) as Float32Array, info, filter.shape[3], wasm.typedArrayFromHeap(out) as Float32Array);
    return out as never;
  });
}

/** Installs both loops over the op-based kernels of wasmGradients.ts (idempotent; call after installWasmTrainingKernels). */
export function installWasmDepthwiseKernels(): void {
  installFilterGrad();
  installInputGrad();
}
