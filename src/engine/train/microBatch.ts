// A batch that does not fit the wasm heap trains as micro-batches whose
// gradients add up to the batch's gradient before one optimizer step, so the
// batch size the user chose keeps its meaning (same loss, same update).
// wasm32 addresses at most 4 GiB, and one training example of MobileNetV2
// with every layer trainable holds about 220 MB of tensors at the peak of its
// backward pass (measured with tf.profile), so batch 32 does not fit.
import { tf } from '../tf';
import { accuracy, crossEntropy } from './loss';
import { HeapExhaustedError } from './errors';

/** wasm32's address space: the tfjs wasm heap cannot grow past it. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/**
 * Share of the heap a step may plan to use. The rest covers what tf.profile
 * does not count (XNNPACK's packed weights, allocator fragmentation) and the
 * tensors other code holds meanwhile.
 */
const HEAP_SHARE = 0.75;

/** How one batch is computed: `count` passes of at most `size` examples. */
export interface MicroBatchPlan {
  batchSize: number;
  /** Estimated bytes of one pass over the whole batch (0 where nothing was measured). */
  batchBytes: number;
  /** Measured bytes one more example adds to a pass (0 where nothing was measured): how much work a pass is (parallel/trainPool.ts). */
  exampleBytes: number;
  /** Examples per pass (the last pass of an uneven split has fewer). */
  size: number;
  count: number;
}

/** Memory one gradient pass needs: `fixed` + `perExample` × examples, in bytes. */
export interface StepMemory {
  perExample: number;
  fixed: number;
}

/**
 * The fewest passes whose size fits `available` bytes, spread evenly (32 with
 * room for 5 is 7 passes of at most 5). Throws when not even one example fits.
 */
export function splitBatch(batchSize: number, memory: StepMemory, available: number): MicroBatchPlan {
  const fits = Math.floor((available - memory.fixed) / memory.perExample);
  if (fits < 1) {
    throw new HeapExhaustedError(`one training example needs about ${mib(memory.fixed + memory.perExample)} of the wasm heap, and ${mib(available)} is free; train fewer layers (a later cut or top:K) or use the tensorflow backend`);
  }
  const count = Math.ceil(batchSize / Math.min(fits, batchSize));
  return { batchSize, batchBytes: memory.fixed + memory.perExample * batchSize, exampleBytes: memory.perExample, count, size: Math.ceil(batchSize / count) };
}

/** For the run log: "batch 32 as 4 × 8 (…)", "batch 32 as 7 × ≤5 (…)" when the passes differ in size. */
export function describePlan(plan: MicroBatchPlan): string {
  const even = plan.size * plan.count === plan.batchSize;
  const why = `one pass would need about ${gib(plan.batchBytes)} of the wasm heap's 4 GiB; their gradients add up to one update`;
  return `Training batch ${plan.batchSize} as ${plan.count} × ${even ? '' : '≤'}${plan.size} (${why})`;
}

/**
 * Measures one example's training pass on the active backend: the peak bytes
 * of live tensors (tf.profile) above what was live before. Counting the whole
 * peak as per-example over-estimates by the weight-sized gradients, which is
 * the safe side.
 */
export async function measureStepMemory(model: tf.LayersModel): Promise<StepMemory> {
  if (model.trainableWeights.length === 0) return { perExample: 0, fixed: 0 };
  const peak = await passPeakBytes(model, 1);
  // The optimizer's slots (up to two per weight, adam) and the summed gradients live beside the pass.
  const weightBytes = model.trainableWeights.reduce((sum, w) => sum + w.read().size * 4, 0);
  return { perExample: Math.max(peak, 1), fixed: 3 * weightBytes };
}

/**
 * The peak bytes of live tensors (tf.profile) during one training pass over
 * `examples` examples, above what was live before. The probe input is zeros;
 * memory does not depend on the values.
 */
export async function passPeakBytes(model: tf.LayersModel, examples: number): Promise<number> {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xs = model.inputs.map((input) => tf.zeros([examples, ...(input.shape.slice(1) as number[])]));
  const labels = tf.zeros([examples], 'int32') as tf.Tensor1D;
  const before = tf.memory().numBytes;
  try {
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor, labels), vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
    return profile.peakBytes - before;
  } finally {
    tf.dispose([...xs, labels]);
  }
}

/**
 * The plan for `batchSize` on the active backend. Only wasm has a hard heap
 * limit; on the other backends a batch is one pass.
 */
export async function planMicroBatches(model: tf.LayersModel, batchSize: number): Promise<MicroBatchPlan> {
  if (tf.getBackend() !== 'wasm') return { batchSize, batchBytes: 0, exampleBytes: 0, size: batchSize, count: 1 };
  const memory = await measureStepMemory(model);
  return splitBatch(batchSize, memory, WASM_HEAP_BYTES * HEAP_SHARE - tf.memory().numBytes);
}

export interface BatchGradients {
  /** Mean loss and accuracy over the whole batch. */
  loss: tf.Scalar;
  accuracy: tf.Scalar;
  /** Gradient of the mean loss, by variable name. */
  grads: tf.NamedTensorMap;
}

/**
 * Loss, accuracy and gradients of the batch's mean loss, `size` examples at a
 * time. `batchSize` is the whole batch's when `xs` is only one thread's share
 * of it (parallel/trainPool.ts), so that the threads' sums add up to the
 * batch's. Each pass's loss is its own mean scaled by its share of the batch, so
 * the passes' gradients sum to the one-pass gradient (equal up to float
 * rounding: BatchNormalization is pinned to its moving statistics, so no
 * layer looks across examples; dropout draws its masks per pass). Each pass
 * frees its activations before the next starts: that is the saving.
 */
export function batchGradients(model: tf.LayersModel, xs: tf.Tensor[], labels: tf.Tensor1D, classWeights: tf.Tensor1D | undefined, size: number, batchSize = labels.shape[0]): BatchGradients {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const total = labels.shape[0];
  let sums: BatchGradients | undefined;
  for (let start = 0; start < total; start += size) {
    const n = Math.min(size, total - start);
    const pass = tf.tidy(() => {
      const share = n / batchSize;
      const part = xs.map((x) => (n === total ? x : x.slice(start, n)));
      const y = n === total ? labels : labels.slice(start, n);
      let acc: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const probs = model.apply(part.length === 1 ? part[0] : part, { training: true }) as tf.Tensor;
        // Kept past variableGrads' own tidy, which disposes everything but the loss and gradients.
        acc = tf.keep(tf.mul(accuracy(probs, y), share) as tf.Scalar);
        return tf.mul(crossEntropy(probs, y, classWeights), share) as tf.Scalar;
      }, vars);
      // A tidy-owned copy, so the kept original can go and nothing outlives the caller's tidy.
      const passAccuracy = acc!.clone();
      acc!.dispose();
      return { loss: value, accuracy: passAccuracy, grads };
    });
    sums = sums ? addInto(sums, pass) : pass;
  }
  return sums!;
}

/** `sum + pass`, disposing both operands. */
export function addInto(sum: BatchGradients, pass: BatchGradients): BatchGradients {
  const out = tf.tidy(() => {
    const grads: tf.NamedTensorMap = {};
    for (const name of Object.keys(sum.grads)) grads[name] = tf.add(sum.grads[name], pass.grads[name]);
    return { loss: tf.add(sum.loss, pass.loss) as tf.Scalar, accuracy: tf.add(sum.accuracy, pass.accuracy) as tf.Scalar, grads };
  });
  for (const part of [sum, pass]) tf.dispose([part.loss, part.accuracy, ...Object.values(part.grads)]);
  return out;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
