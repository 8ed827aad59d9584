// The wasm backend runs Conv2D forward and its input gradient
// (Conv2DBackpropInput) but has no Conv2DBackpropFilter, so tf.layers cannot
// train a convolution there, and the cpu backend's version is plain JS loops
// (seconds per image for a small MNIST conv). This replaces tfjs' Conv2D
// gradient with one that computes the kernel gradient by im2col: for each
// kernel offset, a strided slice of the (padded) input times dy, as matmuls,
// which wasm runs with XNNPACK. Backends that have the kernel keep using it.
import { tf } from '../tf';
import { installDepthwiseGradients } from './depthwiseGradients';

export type Pad = 'same' | 'valid' | number;

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** [top, bottom, left, right] padding of a dilation-1 convolution, as TensorFlow computes SAME (odd pixel at the end). */
export function paddings(h: number, w: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, pad: Pad): [number, number, number, number] {
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (pad !== 'same') return [0, 0, 0, 0];
  const ph = Math.max((oh - 1) * sh + kh - h, 0);
  const pw = Math.max((ow - 1) * sw + kw - w, 0);
  return [Math.floor(ph / 2), ph - Math.floor(ph / 2), Math.floor(pw / 2), pw - Math.floor(pw / 2)];
}

/**
 * dL/dkernel of an NHWC, dilation-1 conv2d, from its input `x` and output
 * gradient `dy`: sum over batch and positions of patch ⊗ dy, per kernel offset.
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: number | [number, number], pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [kh, kw, , co] = filterShape;
    const [sh, sw] = pair(strides);
    const [, oh, ow] = dy.shape;
    const [top, bottom, left, right] = paddings(h, w, oh, ow, kh, kw, sh, sw, pad);
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const dy2 = tf.reshape(dy, [n * oh * ow, co]);
    const offsets: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch = tf.stridedSlice(xp, [0, i, j, 0], [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c], [1, sh, sw, 1]);
        offsets.push(tf.matMul(tf.reshape(patch, [n * oh * ow, c]), dy2, true, false));
      }
    }
    return tf.reshape(tf.stack(offsets), filterShape) as tf.Tensor4D;
  });
}

let installed = false;

/** Registers the Conv2D and depthwise gradients (idempotent). Returns true the first time. */
export function installConvGradients(): boolean {
  if (installed) return false;
  installed = true;
  installDepthwiseGradients();
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const grad = dy as tf.Tensor4D;
      const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as {
        dilations: number | [number, number];
        strides: number | [number, number];
        pad: Pad;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      if (pair(dilations).some((d) => d !== 1)) throw new Error('conv2d gradients with dilation > 1 are not supported');
      if (dataFormat !== 'NHWC') throw new Error('conv2d gradients are supported for NHWC only');
      const filterShape = filter.shape as [number, number, number, number];
      return {
        x: () => tf.conv2dTranspose(grad, filter, x.shape, strides, pad, dimRoundingMode),
        filter: () =>
          tf.getKernel('Conv2DBackpropFilter', tf.getBackend())
            ? (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: grad }, { strides, pad, dataFormat, dimRoundingMode, filterShape } as never) as tf.Tensor)
            : conv2dFilterGradient(x, grad, filterShape, strides, pad),
      };
    },
  });
  return true;
}
