// `npm run bench -- --only gpu`: MobileNetV2-224 feature extraction and a full
// fine-tune (every layer trains), in images per second, on webgpu and on wasm
// in the same run, at each batch size asked for. The first batch of each
// measurement is warm-up and is not timed: it compiles webgpu's shaders (and
// sets up wasm's per-shape operators). webgpu is forced by name, so on a
// machine with only a software adapter (llvmpipe) these are its figures.
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { attachHead, findDefaultCut } from '../src/engine/model/transfer';
import { foldBatchNorm } from '../src/engine/model/foldBatchNorm';
import { crossEntropy } from '../src/engine/train/loss';
import { makeOptimizer } from '../src/engine/train/optimizer';
import { adapterText } from '../src/shared/format';
import { readAndDispose } from '../src/engine/train/evaluate';
import type { Row } from './report';

export interface GpuFigures {
  backend: 'webgpu' | 'wasm';
  device: string;
  batch: number;
  extractImagesPerSec: number | string;
  fineTuneImagesPerSec: number | string;
}

/** Times `reps` calls of `step` after one untimed warm-up call; returns images per second. */
async function rate(batch: number, reps: number, step: () => Promise<void>): Promise<number> {
  await step();
  const start = performance.now();
  for (let i = 0; i < reps; i++) await step();
  return (batch * reps) / ((performance.now() - start) / 1000);
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 160);
}

async function measure(modelDir: string, backend: 'webgpu' | 'wasm', batch: number, reps: number): Promise<GpuFigures> {
  const report = await selectBackend({ requested: backend });
  const device = report.adapter ? adapterText(report.adapter) : `${backend} on the CPU`;
  const base = await loadLayersModelFromDir(modelDir);
  const x = tf.randomUniform([batch, 224, 224, 3], -1, 1, 'float32', 1);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32');
  let extractImagesPerSec: number | string;
  let fineTuneImagesPerSec: number | string;
  // The prefix the engine runs for extraction: cut at the default layer, BatchNormalization folded.
  const { model: prefix } = foldBatchNorm(tf.model({ inputs: base.inputs, outputs: base.getLayer(findDefaultCut(base)).output as tf.SymbolicTensor }));
  try {
    // readAndDispose reports GPU faults: a batch past a device limit computes garbage, fast, without one.
    extractImagesPerSec = await rate(batch, reps, async () => void (await readAndDispose(prefix.predict(x) as tf.Tensor)));
  } catch (err) {
    extractImagesPerSec = `failed: ${oneLine(err)}`;
  }
  // A full fine-tune step as the training loop takes it: every weight trains, the loss is read on the host.
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 5, dropout: 0.2, seed: 1 });
  const optimizer = makeOptimizer('adam', 1e-4);
  try {
    fineTuneImagesPerSec = await rate(batch, reps, async () => {
      const loss = optimizer.minimize(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y), true, model.trainableWeights.map((w) => w.read() as tf.Variable))!;
      await readAndDispose(loss);
    });
  } catch (err) {
    fineTuneImagesPerSec = `failed: ${oneLine(err)}`;
  }
  optimizer.dispose();
  tf.dispose([x, y]);
  const weights = new Set([...base.weights, ...model.weights, ...prefix.weights]);
  for (const w of weights) if (!w.read().isDisposed) w.dispose();
  return { backend, device, batch, extractImagesPerSec, fineTuneImagesPerSec };
}

/** Every (backend, batch) pair, webgpu first; rows for the table, with webgpu ÷ wasm ratios. */
export async function runGpuBench(modelDir: string, batches: number[], reps: number): Promise<{ figures: GpuFigures[]; rows: Row[] }> {
  const figures: GpuFigures[] = [];
  for (const batch of batches) for (const backend of ['webgpu', 'wasm'] as const) figures.push(await measure(modelDir, backend, batch, reps));
  const rows: Row[] = [];
  const value = (v: number | string) => (typeof v === 'number' ? v : NaN);
  for (const f of figures) {
    rows.push({ name: `MobileNetV2-224 extraction, ${f.backend}, batch ${f.batch}`, value: value(f.extractImagesPerSec), unit: 'img/s', note: typeof f.extractImagesPerSec === 'string' ? f.extractImagesPerSec : f.device });
    rows.push({ name: `MobileNetV2-224 full fine-tune, ${f.backend}, batch ${f.batch}`, value: value(f.fineTuneImagesPerSec), unit: 'img/s', note: typeof f.fineTuneImagesPerSec === 'string' ? f.fineTuneImagesPerSec : f.device });
  }
  for (const batch of batches) {
    const [gpu, wasm] = (['webgpu', 'wasm'] as const).map((b) => figures.find((f) => f.backend === b && f.batch === batch)!);
    rows.push({ name: `  ratio webgpu / wasm, full fine-tune, batch ${batch} (target on a real GPU ≥ 20)`, value: value(gpu.fineTuneImagesPerSec) / value(wasm.fineTuneImagesPerSec), unit: '×' });
  }
  return { figures, rows };
}
