// The sweep's one forward pass. Every member whose frozen prefix ends at
// layers of the base (head-only at any cut, top-K whose boundary is a layer)
// needs the activations there; one multi-output model of the frozen network
// produces all of them in a single pass over the images, each image decoded
// once. Members then look their boundary up (PrecomputedFeatures) instead of
// running their own prefix.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Preprocessing } from '../../shared/preprocessing';
import type { TrainEvent } from '../../shared/events';
import { tf } from '../tf';
import type { Sample } from '../data/dataset';
import { foldBatchNorm } from '../model/foldBatchNorm';
import { layersExtractor } from '../model/extractor';
import { modelGraph } from '../model/graph';
import { DEFAULT_CACHE_BUDGET_BYTES, extractInto } from '../train/featureCache';
import { DECODE_CHUNK, decodeOnly, progressReporter } from '../train/inputs';
import type { PrecomputedFeatures } from '../train/inputs';
import { DiskStore, elementsOf, MemoryStore, type GrowableSource, type TensorSource } from '../train/source';

export interface FeatureBankOptions {
  pre: Preprocessing;
  batchSize: number;
  /** Where activations go when they exceed the memory budget. */
  cacheDir: string;
  cacheBudgetBytes?: number;
  emit: (event: TrainEvent) => void;
  signal?: AbortSignal;
}

/** Writes each output of a multi-output model into its own store, so a member reads only its boundary. */
class FanOut implements GrowableSource {
  readonly shapes: number[][];
  constructor(readonly stores: GrowableSource[]) {
    this.shapes = stores.map((s) => s.shapes[0]);
  }
  get size(): number {
    return this.stores[0].size;
  }
  append(rows: Float32Array[], count: number): void {
    rows.forEach((r, i) => this.stores[i].append([r], count));
  }
  batch(): tf.Tensor[] {
    throw new Error('FanOut is write-only');
  }
  dispose(): void {
    this.stores.forEach((s) => s.dispose());
  }
}

/** A member's view of the bank: its samples' rows at its boundary. Disposing it leaves the bank intact. */
class RowView implements TensorSource {
  readonly shapes: number[][];
  constructor(
    private readonly stores: GrowableSource[],
    private readonly rows: number[],
  ) {
    this.shapes = stores.map((s) => s.shapes[0]);
  }
  get size(): number {
    return this.rows.length;
  }
  batch(indices: readonly number[]): tf.Tensor[] {
    const mapped = indices.map((i) => this.rows[i]);
    return this.stores.map((s) => s.batch(mapped)[0]);
  }
  dispose(): void {}
}

export class FeatureBank implements PrecomputedFeatures {
  private constructor(
    private readonly storeOf: Map<string, GrowableSource>,
    private readonly rowOf: Map<string, number>,
    /** Images that went through the frozen network (decoded ones). */
    readonly images: number,
    readonly ms: number,
  ) {}

  /**
   * Runs `base` once over `samples` with one output per layer in `layers`
   * (BatchNormalization folded, as a run's own prefix is), in decode chunks.
   * Layers must have one output each.
   */
  static async build(base: tf.LayersModel, layers: string[], samples: Sample[], options: FeatureBankOptions): Promise<FeatureBank> {
    const started = performance.now();
    const byName = new Map(modelGraph(base).map((n) => [n.layer.name, n]));
    const outputs = layers.map((name) => byName.get(name)!.outputs[0]);
    const multi = tf.model({ inputs: base.inputs, outputs, name: `${base.name}_sweep_pass` });
    const { model: folded } = foldBatchNorm(multi);
    const shapes = folded.outputs.map((o) => o.shape.slice(1) as number[]);
    const bytes = shapes.reduce((sum, s) => sum + elementsOf(s) * 4, 0) * samples.length;
    const inMemory = bytes <= (options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
    if (!inMemory) mkdirSync(options.cacheDir, { recursive: true });
    const stores = shapes.map((shape, i): GrowableSource => (inMemory ? new MemoryStore([shape], samples.length) : new DiskStore([join(options.cacheDir, `pass-${i}.f32`)], [shape])));
    const fan = new FanOut(stores);
    const rowOf = new Map<string, number>();
    const progress = progressReporter('features', options.emit);
    try {
      for (let start = 0; start < samples.length; start += DECODE_CHUNK) {
        const { x, samples: kept } = await decodeOnly(samples.slice(start, start + DECODE_CHUNK), options);
        try {
          for (const s of kept) rowOf.set(s.file, rowOf.size);
          await extractInto(layersExtractor(folded), x, fan, { batchSize: options.batchSize, signal: options.signal, onProgress: (done) => progress(start + done, samples.length) });
        } finally {
          x.dispose();
        }
      }
      progress(samples.length, samples.length);
    } catch (err) {
      fan.dispose();
      throw err;
    } finally {
      // The folded copies own new weights; the rest belong to `base`.
      const own = new Set(base.weights);
      for (const w of folded.weights) if (!own.has(w)) w.dispose();
    }
    return new FeatureBank(new Map(layers.map((name, i) => [name, stores[i]])), rowOf, rowOf.size, performance.now() - started);
  }

  lookup(outputs: string[], samples: Sample[]): { x: TensorSource; samples: Sample[] } | undefined {
    const stores = outputs.map((name) => this.storeOf.get(name));
    if (stores.some((s) => !s)) return undefined;
    const kept = samples.filter((s) => this.rowOf.has(s.file));
    return { x: new RowView(stores as GrowableSource[], kept.map((s) => this.rowOf.get(s.file)!)), samples: kept };
  }

  dispose(): void {
    for (const s of this.storeOf.values()) s.dispose();
  }
}
