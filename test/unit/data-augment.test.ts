// augmentBatch: deterministic for an Rng state, label-preserving geometry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { Rng } from '../../src/engine/util/rng';
import { augmentBatch, transformRow } from '../../src/engine/data/augment';

tf.setBackend('cpu');

/** Batch of 6 images, 8×8×1, each a horizontal ramp 0..7 plus the image index. */
function ramps(): tf.Tensor4D {
  const data: number[] = [];
  for (let b = 0; b < 6; b++) for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data.push(x + b);
  return tf.tensor4d(data, [6, 8, 8, 1]);
}

test('same Rng seed, same output; another seed, another output', () => {
  const x = ramps();
  const a = augmentBatch(x, new Rng(3));
  const b = augmentBatch(x, new Rng(3));
  const c = augmentBatch(x, new Rng(4));
  assert.deepEqual(a.shape, x.shape);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
  tf.dispose([x, a, b, c]);
});

test('everything off is the identity, and the Rng still advances by a fixed amount per image', () => {
  const x = ramps();
  const rng = new Rng(9);
  const y = augmentBatch(x, rng, { flip: false, maxShift: 0, maxRotateDeg: 0, brightness: 0 });
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  const reference = new Rng(9);
  for (let i = 0; i < 6 * 5; i++) reference.next();
  assert.equal(rng.snapshot, reference.snapshot);
  tf.dispose([x, y]);
});

test('flip only: each image is either unchanged or exactly mirrored, and both happen', () => {
  const x = ramps();
  const y = augmentBatch(x, new Rng(1), { flip: true, maxShift: 0, maxRotateDeg: 0, brightness: 0 });
  const before = x.arraySync();
  const after = y.arraySync();
  let flipped = 0;
  for (let b = 0; b < 6; b++) {
    const row = after[b][0].map((p) => p[0]);
    const orig = before[b][0].map((p) => p[0]);
    if (row[0] === orig[7]) {
      assert.deepEqual(row, [...orig].reverse());
      flipped++;
    } else assert.deepEqual(row, orig);
  }
  assert.ok(flipped > 0 && flipped < 6, `flipped ${flipped} of 6`);
  tf.dispose([x, y]);
});

test('transformRow: a pure shift moves content by (dx, dy); flip maps x to width-1-x', () => {
  assert.deepEqual(transformRow(8, 8, false, 0, 2, -1), [1, -0, -2, 0, 1, 1, 0, 0]);
  const [a0, , a2] = transformRow(8, 8, true, 0, 0, 0);
  assert.equal(a0, -1);
  assert.equal(a2, 7);
});

test('brightness scales each image by one factor within the bound', () => {
  const x = tf.ones([4, 4, 4, 3]) as tf.Tensor4D;
  const y = augmentBatch(x, new Rng(5), { flip: false, maxShift: 0, maxRotateDeg: 0, brightness: 0.2 });
  const values = y.arraySync();
  for (const image of values) {
    const flat = image.flat(2);
    assert.ok(flat.every((v) => Math.abs(v - flat[0]) < 1e-6), 'one factor per image');
    assert.ok(flat[0] >= 0.8 - 1e-6 && flat[0] <= 1.2 + 1e-6);
  }
  tf.dispose([x, y]);
});
