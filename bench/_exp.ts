import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { applyFreeze } from '../src/engine/model/transfer';
import { fit, oneGroup } from '../src/engine/train/loop';
import { makeOptimizer } from '../src/engine/train/optimizer';
import { Rng } from '../src/engine/util/rng';
import { trainingPool } from '../src/engine/parallel/trainPool';
import { MemorySource } from '../src/engine/train/source';

function net(size: number, filters: number) {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers.conv2d({ name: 'c1', filters, kernelSize: 3, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'c2', filters, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'ft_head_dense', units: 4, activation: 'softmax', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  applyFreeze(model, new Set(['c1', 'bn', 'c2', 'ft_head_dense']), 'inference');
  return model;
}
async function main() {
  await selectBackend({ requested: 'wasm' });
  const size = Number(process.argv[2] ?? 16), filters = Number(process.argv[3] ?? 8), n = Number(process.argv[4] ?? 64), batch = Number(process.argv[5] ?? 32);
  const rng = new Rng(1);
  const px = new Float32Array(n * size * size * 3).map(() => rng.next());
  const y = Int32Array.from({ length: n }, (_, i) => i % 4);
  for (const threads of [1, 2, 1, 2]) {
    const model = net(size, filters);
    const { pool, reason } = await trainingPool(model, { threads, batchSize: batch });
    const opt = makeOptimizer('adam', 0.01);
    const t0 = performance.now();
    const r = await fit({ model, groups: oneGroup(opt), train: { x: new MemorySource([px], [[size, size, 3]], n), y }, validation: { x: new MemorySource([px.slice(0, 8 * size * size * 3)], [[size, size, 3]], 8), y: y.slice(0, 8) }, batchSize: batch, firstEpoch: 1, lastEpoch: 3, rng: new Rng(4), pool });
    const ms = performance.now() - t0;
    const w = model.trainableWeights.map((v) => Array.from(v.read().dataSync().slice(0, 3)));
    console.log(threads, pool?.threads, reason, `${ms.toFixed(0)} ms`, `${((3 * n) / (ms / 1000)).toFixed(1)} img/s`, r.history.map((h) => h.loss.toFixed(7)).join(' '), JSON.stringify(w[0]));
    await pool?.dispose();
    opt.dispose(); model.dispose();
  }
}
main();
