// The wasm backend lacks three gradient kernels that training convolutions
// needs (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input).
// This supplies them by running tfjs's own cpu implementation on copies of
// the inputs. Only those three kernels leave wasm; everything else (the whole
// forward pass, every other gradient) stays on wasm, so training on wasm is
// still far faster than on the cpu backend.
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

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter with wasm's own ops: for each kernel offset, the
 * strided window of the (padded) input times dy is one matrix product,
 * [N·Ho·Wo, Cin]ᵀ × [N·Ho·Wo, Cout]. The cpu kernel's scalar loops are
 * about a hundred times slower on MobileNet's 1×1 convolutions.
 */
function conv2dBackpropFilterOnWasm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const [fh, fw, cin, cout] = attrs.filterShape;
    const result = tf.tidy(() => {
      const engine = tf.engine();
      const xt = engine.makeTensorFromTensorInfo(x) as tf.Tensor4D;
      const dyFlat = engine.makeTensorFromTensorInfo(dy).reshape([-1, cout]) as tf.Tensor2D;
      const { top, bottom, left, right } = info.padInfo;
      const xp = top || bottom || left || right ? tf.pad(xt, [[0, 0], [top, bottom], [left, right], [0, 0]]) : xt;
      const parts: tf.Tensor2D[] = [];
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          const end = [x.shape[0], i + (info.outHeight - 1) * info.strideHeight + 1, j + (info.outWidth - 1) * info.strideWidth + 1, cin];
          const window = tf.stridedSlice(xp, [0, i, j, 0], end, [1, info.strideHeight, info.strideWidth, 1]);
          parts.push(tf.matMul(window.reshape([-1, cin]) as tf.Tensor2D, dyFlat, true, false));
        }
      }
      return tf.stack(parts).reshape([fh, fw, cin, cout]);
    });
    const values = result.dataSync();
    result.dispose();
    return (backend as unknown as WasmBackend).makeOutput([fh, fw, cin, cout], 'float32', undefined, values) as never;
  };
}

/**
 * Registers the missing training kernels for wasm (idempotent). Call after the
 * wasm package is loaded. Returns the names it supplied.
 */
export function installWasmTrainingKernels(): string[] {
  const supplied: string[] = [];
  for (const kernelName of TRAINING_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    const viaCpu = bridged(kernelName);
    const kernelFunc = kernelName === 'Conv2DBackpropFilter' ? conv2dBackpropFilterOnWasm(viaCpu) : viaCpu;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    supplied.push(kernelName);
  }
  return supplied;
}
