// Depthwise convolution gradients for backends without the
// DepthwiseConv2dNativeBackprop{Filter,Input} kernels (wasm), from ops wasm
// has (strided slices, pads, products and sums), one kernel offset at a time.
// Backends with the kernels keep using them. See convGradients.ts.
import { tf } from '../tf';
import { pair, paddings, type Pad } from './convGradients';

interface Geometry {
  n: number;
  h: number;
  w: number;
  c: number;
  m: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  pads: [number, number, number, number];
}

function geometry(xShape: number[], filterShape: number[], dyShape: number[], strides: number | [number, number], pad: Pad): Geometry {
  const [n, h, w, c] = xShape;
  const [kh, kw, , m] = filterShape;
  const [, oh, ow] = dyShape;
  const [sh, sw] = pair(strides);
  return { n, h, w, c, m, kh, kw, oh, ow, sh, sw, pads: paddings(h, w, oh, ow, kh, kw, sh, sw, pad) };
}

/** dL/dfilter [kh, kw, c, m]: per offset, the input patch times dy, summed over batch and positions. */
export function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: number | [number, number], pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const g = geometry(x.shape, filterShape, dy.shape, strides, pad);
    const [top, bottom, left, right] = g.pads;
    const xp = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const dy5 = tf.reshape(dy, [g.n, g.oh, g.ow, g.c, g.m]);
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const patch = tf.stridedSlice(xp, [0, i, j, 0], [g.n, i + (g.oh - 1) * g.sh + 1, j + (g.ow - 1) * g.sw + 1, g.c], [1, g.sh, g.sw, 1]);
        parts.push(tf.sum(tf.mul(tf.expandDims(patch, 4), dy5), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(parts), filterShape as [number, number, number, number]) as tf.Tensor4D;
  });
}

/**
 * dL/dx [n, h, w, c]: each kernel offset's contribution (dy weighted by that
 * offset's filter value, summed over the channel multiplier) is spread back
 * onto the input grid at stride spacing, shifted by the offset, then the
 * padding is cropped.
 */
export function depthwiseInputGradient(xShape: number[], dy: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const g = geometry(xShape, filter.shape, dy.shape, strides, pad);
    const [top, bottom, left, right] = g.pads;
    const hp = g.h + top + bottom;
    const wp = g.w + left + right;
    const dy5 = tf.reshape(dy, [g.n, g.oh, g.ow, g.c, g.m]);
    // dy at stride spacing: [n, (oh-1)*sh+1, (ow-1)*sw+1, c] per offset after the weighting below.
    const spread = (t: tf.Tensor4D): tf.Tensor4D => {
      if (g.sh === 1 && g.sw === 1) return t;
      const z = tf.pad(tf.reshape(t, [g.n, g.oh, 1, g.ow, 1, g.c]), [[0, 0], [0, 0], [0, g.sh - 1], [0, 0], [0, g.sw - 1], [0, 0]]);
      const full = tf.reshape(z, [g.n, g.oh * g.sh, g.ow * g.sw, g.c]);
      return tf.slice(full, [0, 0, 0, 0], [g.n, (g.oh - 1) * g.sh + 1, (g.ow - 1) * g.sw + 1, g.c]) as tf.Tensor4D;
    };
    let total: tf.Tensor4D | null = null;
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const weights = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, g.c, g.m]), [g.c, g.m]);
        const contribution = spread(tf.sum(tf.mul(dy5, weights), 4) as tf.Tensor4D);
        const rows = contribution.shape[1];
        const cols = contribution.shape[2];
        const placed = tf.pad(contribution, [[0, 0], [i, hp - i - rows], [j, wp - j - cols], [0, 0]]);
        total = total ? (tf.add(total, placed) as tf.Tensor4D) : placed;
      }
    }
    return tf.slice(total!, [0, top, left, 0], [g.n, g.h, g.w, g.c]);
  });
}

export function installDepthwiseGradients(): void {
  tf.registerGradient({
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const grad = dy as tf.Tensor4D;
      const { dilations, strides, pad, dimRoundingMode } = attrs as unknown as {
        dilations?: number | [number, number];
        strides: number | [number, number];
        pad: Pad;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      if (pair(dilations ?? 1).some((d) => d !== 1)) throw new Error('depthwise conv2d gradients with dilation > 1 are not supported');
      const backend = tf.getBackend();
      const kernelAttrs = { strides, pad, dilations: dilations ?? 1, dimRoundingMode };
      return {
        x: () =>
          tf.getKernel('DepthwiseConv2dNativeBackpropInput', backend)
            ? (tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: grad, filter }, { ...kernelAttrs, inputShape: x.shape } as never) as tf.Tensor)
            : depthwiseInputGradient(x.shape, grad, filter, strides, pad),
        filter: () =>
          tf.getKernel('DepthwiseConv2dNativeBackpropFilter', backend)
            ? (tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: grad }, { ...kernelAttrs, filterShape: filter.shape } as never) as tf.Tensor)
            : depthwiseFilterGradient(x, grad, filter.shape, strides, pad),
      };
    },
  });
}
