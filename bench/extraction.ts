// Feature-extraction throughput (the frozen prefix's forward pass) of
// MobileNetV2-224 on the cpu and wasm backends, with the prefix the engine
// runs: BatchNormalization folded into the convolutions.
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { findDefaultCut } from '../src/engine/model/transfer';
import { foldBatchNorm } from '../src/engine/model/foldBatchNorm';

export async function extractionRate(modelDir: string, backend: 'cpu' | 'wasm', images: number, batch: number): Promise<number> {
  await selectBackend({ requested: backend });
  const model = await loadLayersModelFromDir(modelDir);
  const cut = findDefaultCut(model);
  const { model: prefix } = foldBatchNorm(tf.model({ inputs: model.inputs, outputs: model.getLayer(cut).output as tf.SymbolicTensor }));
  const [h, w, c] = (model.inputs[0].shape as number[]).slice(1);
  // Returns one number: a typed array returned from tidy() is walked element by element.
  const run = (n: number) => tf.tidy(() => (prefix.predict(tf.randomUniform([n, h, w, c], -1, 1)) as tf.Tensor).dataSync()[0]);
  run(batch); // warm-up at the measured batch size: wasm sets up its convolution operators per shape
  const start = performance.now();
  for (let done = 0; done < images; done += batch) run(Math.min(batch, images - done));
  const rate = images / ((performance.now() - start) / 1000);
  model.dispose();
  return rate;
}
