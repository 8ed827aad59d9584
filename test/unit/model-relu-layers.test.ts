// ReLU layers with a maximum (ReLU6) take the fused gradient kernel on wasm
// (model/reluLayers.ts): the same outputs and gradients as tfjs' own layer on
// cpu, at the edges (0, 6, beyond) too, and inside a model that trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { selectBackend } from '../../src/engine/backend/select';
import { withBackend } from '../../src/engine/backend/kernels';
import { applyFreeze } from '../../src/engine/model/transfer';

const EDGES = [-1, 0, 1e-7, 3, 6, 6.0001, 9, -0, 2.5, 5.99, 0.5];

test('a ReLU(6) layer on wasm gives tfjs\' outputs and gradients at 0, 6 and beyond', async () => {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) =>
    withBackend(backend, () => {
      const input = tf.input({ shape: [EDGES.length] });
      const model = tf.model({ inputs: input, outputs: tf.layers.reLU({ maxValue: 6, name: 'relu6' }).apply(input) as tf.SymbolicTensor });
      applyFreeze(model, new Set(['relu6']), 'inference');
      const x = tf.tensor2d([EDGES, EDGES.map((v) => -v + 4)]);
      const weights = tf.tensor2d([EDGES.map((_, i) => i + 1), EDGES.map((_, i) => 2 - i)]);
      const f = (xi: tf.Tensor) => tf.sum(tf.mul(model.apply(xi) as tf.Tensor, weights));
      // + 0 turns −0 into 0: tfjs' gradient is dy·0 (−0 where dy < 0), the fused one a plain 0.
      return [(model.apply(x) as tf.Tensor).dataSync(), tf.grad(f)(x).dataSync()].map((values) => Array.from(values, (v) => v + 0));
    });
  assert.deepEqual(await run('wasm'), await run('cpu'));
  assert.ok(tf.getKernel('FinetuneReluClipGrad', 'wasm'), 'the fused kernel is what wasm ran');
});

test('a conv → ReLU(6) → dense model has the same gradients on wasm as on cpu', async () => {
  await selectBackend({ requested: 'wasm' });
  const run = (backend: string) =>
    withBackend(backend, () => {
      const input = tf.input({ shape: [6, 6, 3] });
      let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.constant({ value: 0.5 }) }).apply(input) as tf.SymbolicTensor;
      h = tf.layers.reLU({ maxValue: 6, name: 'relu6' }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor });
      applyFreeze(model, new Set(['conv', 'relu6', 'out']), 'inference');
      const x = tf.randomUniform([2, 6, 6, 3], -4, 8, 'float32', 3);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
      return vars.map((v) => Array.from(grads[v.name].dataSync()));
    });
  const [onWasm, onCpu] = [await run('wasm'), await run('cpu')];
  onCpu.forEach((g, i) => {
    const scale = Math.max(1, ...g.map(Math.abs));
    const err = Math.max(...g.map((v, j) => Math.abs(v - onWasm[i][j])));
    assert.ok(err <= 1e-5 * scale, `gradient ${i}: error ${err} at scale ${scale}`);
  });
});
