import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tf } from '../tf';

/**
 * Where a batch's input tensors come from: decoded pixels, or activations of
 * the frozen prefix (the feature cache), in memory or on disk. A source has one
 * entry per model input, because a prefix cut inside a residual network has
 * several outputs.
 */
export interface TensorSource {
  /** Number of examples. */
  readonly size: number;
  /** Shape of one example, per input (no batch dimension). */
  readonly shapes: number[][];
  /** Input tensors for these examples, in this order. The caller disposes them. */
  batch(indices: readonly number[]): tf.Tensor[];
  /** Releases files and memory. */
  dispose(): void;
}

export function elementsOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Examples held in Float32Arrays, one row of `elementsOf(shape)` floats per example. */
export class MemorySource implements TensorSource {
  constructor(
    readonly arrays: Float32Array[],
    readonly shapes: number[][],
    private readonly count: number,
  ) {}

  get size(): number {
    return this.count;
  }

  batch(indices: readonly number[]): tf.Tensor[] {
    return this.arrays.map((array, i) => {
      const row = elementsOf(this.shapes[i]);
      const out = new Float32Array(indices.length * row);
      indices.forEach((index, k) => out.set(array.subarray(index * row, (index + 1) * row), k * row));
      return tf.tensor(out, [indices.length, ...this.shapes[i]], 'float32');
    });
  }

  dispose(): void {
    this.arrays.length = 0;
  }
}

/** A source filled row by row: the feature cache writes activations into it as the prefix produces them. */
export interface GrowableSource extends TensorSource {
  /** Appends `count` rows per input, in example order. */
  append(rows: Float32Array[], count: number): void;
}

/** Preallocated memory for up to `capacity` examples. */
export class MemoryStore extends MemorySource implements GrowableSource {
  private written = 0;

  constructor(shapes: number[][], capacity: number) {
    super(shapes.map((s) => new Float32Array(capacity * elementsOf(s))), shapes, 0);
  }

  override get size(): number {
    return this.written;
  }

  append(rows: Float32Array[], count: number): void {
    rows.forEach((data, i) => this.arrays[i].set(data.subarray(0, count * elementsOf(this.shapes[i])), this.written * elementsOf(this.shapes[i])));
    this.written += count;
  }
}

/**
 * Examples in one file per input, fixed-size rows of float32, read back by
 * offset: the feature cache's home when it does not fit the memory budget.
 */
export class DiskStore implements GrowableSource {
  private readonly fds: number[];
  private written = 0;

  constructor(
    readonly files: string[],
    readonly shapes: number[][],
  ) {
    this.fds = files.map((f) => openSync(f, 'w+'));
  }

  get size(): number {
    return this.written;
  }

  append(rows: Float32Array[], count: number): void {
    rows.forEach((data, i) => {
      const rowBytes = elementsOf(this.shapes[i]) * 4;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, count * rowBytes);
      writeSync(this.fds[i], bytes, 0, bytes.length, this.written * rowBytes);
    });
    this.written += count;
  }

  batch(indices: readonly number[]): tf.Tensor[] {
    return this.shapes.map((shape, i) => {
      const row = elementsOf(shape);
      const out = new Float32Array(indices.length * row);
      const bytes = new Uint8Array(out.buffer);
      indices.forEach((index, k) => {
        readSync(this.fds[i], bytes, k * row * 4, row * 4, index * row * 4);
      });
      return tf.tensor(out, [indices.length, ...shape], 'float32');
    });
  }

  dispose(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
    for (const f of this.files) rmSync(f, { force: true });
  }
}
