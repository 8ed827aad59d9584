// Random augmentation of a decoded batch: horizontal flip, a small shift
// (a crop that moves the frame), a small rotation and a brightness change.
// All randomness is drawn from the caller's Rng, in a fixed order, so a run
// with the same seed (and a resumed run with the restored Rng state) sees the
// same images. Augmentation turns the feature cache off: the frozen prefix
// sees different pixels each epoch.
//
// Geometry is one projective transform per image (tf.image.transform, which
// the cpu, wasm and tensorflow backends all implement). Pixels that come from
// outside the frame repeat the nearest edge pixel, which is neutral for any
// value range. Brightness scales values around 0: in the `unit` and `raw`
// ranges that is brightness; in `symmetric` and `meanStd` it is closer to a
// contrast change, which is still a label-preserving jitter.
import { tf } from '../tf';
import type { Rng } from '../util/rng';

export interface AugmentOptions {
  /** Mirror left–right with probability 0.5. Off for data where mirroring changes the label (digits, text). */
  flip?: boolean;
  /** Largest shift, as a fraction of the width and height. */
  maxShift?: number;
  /** Largest rotation in degrees, either way. */
  maxRotateDeg?: number;
  /** Largest brightness change: values are scaled by a factor in [1 - b, 1 + b]. */
  brightness?: number;
}

export const DEFAULT_AUGMENT: Required<AugmentOptions> = { flip: true, maxShift: 0.1, maxRotateDeg: 10, brightness: 0.2 };

/**
 * The inverse map of one image's transform (output pixel → input pixel), as
 * tf.image.transform wants it: rotate by `angle` and shift by (dx, dy) around
 * the centre, then mirror when `flip`.
 */
export function transformRow(width: number, height: number, flip: boolean, angle: number, dx: number, dy: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const f = flip ? -1 : 1;
  // input = R(angle) · (F · (out - c) - d) + c, with F mirroring x.
  const a0 = cos * f;
  const a1 = -sin;
  const b0 = sin * f;
  const b1 = cos;
  const ox = -f * cx - dx;
  const oy = -cy - dy;
  const a2 = cos * ox - sin * oy + cx;
  const b2 = sin * ox + cos * oy + cy;
  return [a0, a1, a2, b0, b1, b2, 0, 0];
}

export function augmentBatch(x: tf.Tensor4D, rng: Rng, options: AugmentOptions = {}): tf.Tensor4D {
  const o = { ...DEFAULT_AUGMENT, ...options };
  const [batch, height, width] = x.shape;
  const rows: number[] = [];
  const factors: number[] = [];
  for (let i = 0; i < batch; i++) {
    // Draw every value, used or not, so the stream does not depend on the options.
    const flip = rng.next() < 0.5 && o.flip;
    const angle = ((rng.next() * 2 - 1) * o.maxRotateDeg * Math.PI) / 180;
    const dx = (rng.next() * 2 - 1) * o.maxShift * width;
    const dy = (rng.next() * 2 - 1) * o.maxShift * height;
    const factor = 1 + (rng.next() * 2 - 1) * o.brightness;
    rows.push(...transformRow(width, height, flip, angle, dx, dy));
    factors.push(factor);
  }
  return tf.tidy(() => {
    // One image per call: tfjs-backend-cpu 4.22's Transform kernel returns after
    // the first image of a batch (a `return` inside its batch loop), leaving the
    // rest as fill values.
    const images = (tf.split(x, batch, 0) as tf.Tensor4D[]).map((image, i) =>
      tf.image.transform(image, tf.tensor2d(rows.slice(i * 8, i * 8 + 8), [1, 8]), 'bilinear', 'nearest'),
    );
    const moved = images.length === 1 ? images[0] : tf.concat(images, 0);
    return tf.mul(moved, tf.tensor4d(factors, [batch, 1, 1, 1])) as tf.Tensor4D;
  });
}
