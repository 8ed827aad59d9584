import { tf } from '../tf';
import type { BatchInfo, Callback, EpochLogs, GradientStep } from './callbacks';

export const SAMPLES_PER_EPOCH = 8;

/**
 * Records what each trainable layer learns, per epoch: the mean L2 norm of
 * its gradient, and the mean ratio of one step's update to its weights
 * (‖W_after − W_before‖ / ‖W_before‖). A ratio far below 1e-3 says the layer
 * barely moves (lr too low, or a vanishing gradient), far above says it is
 * being overwritten (lr too high for pre-trained weights).
 *
 * It measures up to SAMPLES_PER_EPOCH evenly spaced batches of each epoch
 * (measuring every batch cost the demo about a fifth more CPU time), and its
 * sums stay on the backend until the epoch ends, so the loop gains no
 * per-batch synchronisation. Writes `layers` into the epoch's logs; put it
 * before the callbacks that report or save those logs.
 */
export class LayerSignalRecorder implements Callback {
  private layers: string[] = [];
  private gradNormSum: tf.Tensor1D | null = null;
  private ratioSum: tf.Tensor1D | null = null;
  /** The trainable weights by layer, and copies of their values before the current step. */
  private weights: tf.LayerVariable[][] = [];
  private before: tf.Tensor[][] | null = null;
  private steps = 0;
  private sampled = false;

  onEpochBegin(): void {
    this.reset();
  }

  onBatchBegin(info: BatchInfo): void {
    // Batches stride, 2·stride, …: at most SAMPLES_PER_EPOCH, spread over the epoch, the last one always among them.
    const stride = Math.ceil(info.batchesPerEpoch / SAMPLES_PER_EPOCH);
    this.sampled = (info.batchesPerEpoch - info.batch) % stride === 0;
  }

  onGradients(step: GradientStep): void {
    if (!this.sampled) return;
    const byLayer = groupByLayer(step.gradients);
    if (this.layers.length === 0) {
      this.layers = [...byLayer.keys()];
      this.weights = this.layers.map((l) => byLayer.get(l)!.map((g) => g.weight));
    }
    const norms = tf.stack(this.layers.map((l) => globalNorm(byLayer.get(l)!.map((g) => g.grad)))) as tf.Tensor1D;
    this.gradNormSum = accumulate(this.gradNormSum, norms);
    this.before = this.weights.map((ws) => ws.map((w) => tf.keep(w.read().clone())));
  }

  onBatchEnd(): void {
    if (!this.before) return;
    const before = this.before;
    this.before = null;
    const ratios = tf.tidy(
      () =>
        tf.stack(
          this.weights.map((ws, i) => {
            const delta = globalNorm(ws.map((w, j) => w.read().sub(before[i][j])));
            return delta.div(globalNorm(before[i]).add(1e-12));
          }),
        ) as tf.Tensor1D,
    );
    tf.dispose(before.flat());
    this.ratioSum = accumulate(this.ratioSum, ratios);
    ratios.dispose();
    this.steps++;
  }

  onEpochEnd(logs: EpochLogs): void {
    if (!this.gradNormSum || !this.ratioSum || this.steps === 0) return;
    const grads = this.gradNormSum.dataSync();
    const ratios = this.ratioSum.dataSync();
    logs.layers = this.layers.map((layer, i) => ({ layer, gradNorm: grads[i] / this.steps, updateRatio: ratios[i] / this.steps }));
  }

  onTrainEnd(): void {
    this.reset();
  }

  private reset(): void {
    tf.dispose([this.gradNormSum, this.ratioSum, ...(this.before?.flat() ?? [])].filter((t): t is tf.Tensor => t !== null));
    this.gradNormSum = null;
    this.ratioSum = null;
    this.before = null;
    this.steps = 0;
    this.layers = [];
    this.weights = [];
  }
}

function groupByLayer<T extends { layer: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.layer, [...(out.get(item.layer) ?? []), item]);
  return out;
}

/** The L2 norm of several tensors taken as one vector. */
function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/** Adds `value` to the kept running sum and returns the new kept sum; does not free `value`. */
function accumulate(sum: tf.Tensor1D | null, value: tf.Tensor1D): tf.Tensor1D {
  const next = tf.keep(sum ? sum.add(value) : value.clone()) as tf.Tensor1D;
  sum?.dispose();
  return next;
}
