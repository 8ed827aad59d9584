// Feature-extraction throughput (the frozen prefix's forward pass) of
// MobileNetV2-224 on the cpu and wasm backends, with the prefix the engine
// runs: BatchNormalization folded into the convolutions, split over
// `threads` threads on wasm (engine/parallel/extractPool.ts).
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { findDefaultCut } from '../src/engine/model/transfer';
import { foldBatchNorm } from '../src/engine/model/foldBatchNorm';
import { pooledExtractor } from '../src/engine/parallel/extractPool';

export async function extractionRate(modelDir: string, backend: 'cpu' | 'wasm', images: number, batch: number, threads = 1): Promise<number> {
  await selectBackend({ requested: backend });
  const model = await loadLayersModelFromDir(modelDir);
  const cut = findDefaultCut(model);
  const { model: prefix } = foldBatchNorm(tf.model({ inputs: model.inputs, outputs: model.getLayer(cut).output as tf.SymbolicTensor }));
  const extractor = await pooledExtractor(prefix, threads);
  const [h, w, c] = (model.inputs[0].shape as number[]).slice(1);
  const run = async (n: number) => {
    const x = tf.randomUniform([n, h, w, c], -1, 1);
    const out = await extractor.extract(x);
    out[0].dataSync();
    tf.dispose([x, ...out]);
  };
  try {
    await run(batch); // warm-up at the measured batch size: wasm sets up its convolution operators per shape
    const start = performance.now();
    for (let done = 0; done < images; done += batch) await run(Math.min(batch, images - done));
    return images / ((performance.now() - start) / 1000);
  } finally {
    await extractor.dispose();
    model.dispose();
  }
}
