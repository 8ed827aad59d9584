// TF.js Graph models as frozen feature extractors. tfjs cannot export Graph
// models from JS, so the test writes a tiny GraphDef by hand:
// Placeholder → Conv2D (weights from a shard) → Relu, and checks loading,
// the summary, the features against a hand computation, a head trained on
// them, and ops that must be refused without being evaluated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadGraphFeatureExtractor } from '../../src/engine/model/graphModel';
import { validateGraphModelDir } from '../../src/engine/model/graphArtifacts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });

// 2×2 kernel, 1 input channel, 2 filters: [ky][kx][in][out].
const KERNEL = [0.5, -1, -0.25, 0.75, 1, 0.5, -0.5, 0.25];

interface Options {
  extraNodes?: object[];
  kernel?: number[];
  placeholderShape?: number[];
}

function writeGraphModel(options: Options = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ft-graph-'));
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(...(options.placeholderShape ?? [-1, 4, 4, 1])) } } },
    { name: 'conv/kernel', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(2, 2, 1, 2) } } } },
    {
      name: 'conv',
      op: 'Conv2D',
      input: ['x', 'conv/kernel'],
      attr: {
        T: { type: 'DT_FLOAT' },
        strides: { list: { i: ['1', '1', '1', '1'] } },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
      },
    },
    { name: 'relu', op: 'Relu', input: ['conv'], attr: { T: { type: 'DT_FLOAT' } } },
    ...(options.extraNodes ?? []),
  ];
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'finetune-studio test',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'conv/kernel', shape: [2, 2, 1, 2], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.from(new Float32Array(options.kernel ?? KERNEL).buffer));
  return dir;
}

/** The same network by hand: VALID 2×2 conv, ReLU, mean over the 3×3 positions, per filter. */
function expectedFeatures(image: number[][]): number[] {
  const out = [0, 0];
  for (let f = 0; f < 2; f++) {
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        let sum = 0;
        for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) sum += image[y + ky][x + kx] * KERNEL[(ky * 2 + kx) * 2 + f];
        out[f] += Math.max(0, sum) / 9;
      }
    }
  }
  return out;
}

test('a Graph model loads as a frozen feature extractor whose features match a hand computation', async () => {
  const extractor = await loadGraphFeatureExtractor(writeGraphModel(), { name: 'tiny-graph' });
  try {
    const images = [0, 1].map((k) => Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, (_, x) => Math.sin(1 + k * 7 + y * 4 + x))));
    const input = tf.tensor4d(images.flat(2), [2, 4, 4, 1]);
    const [features] = await extractor.extract(input);
    input.dispose();
    // The graph runs up to its output, 'relu' (4-D); the head's global pooling then gives the hand computation's means.
    assert.deepEqual(features.shape, [2, 3, 3, 2]);
    const pooled = features.mean([1, 2]);
    const got = (await pooled.array()) as number[][];
    tf.dispose([features, pooled]);
    images.forEach((image, i) => expectedFeatures(image).forEach((v, f) => assert.ok(Math.abs(got[i][f] - v) < 1e-5, `image ${i} feature ${f}: ${got[i][f]} vs ${v}`)));
    assert.equal(extractor.cut, 'relu');
    assert.deepEqual(extractor.shapes, [[3, 3, 2]]);
    assert.deepEqual(extractor.inputShape, [null, 4, 4, 1]);
  } finally {
    extractor.dispose();
  }
});

test('the summary shows the signature, node count, every node with its traced shape, and frozen parameters', async () => {
  const extractor = await loadGraphFeatureExtractor(writeGraphModel(), { name: 'tiny-graph' });
  try {
    const s = extractor.summary;
    assert.equal(s.format, 'graph');
    assert.deepEqual(s.graph, {
      inputs: [{ name: 'x', shape: [null, 4, 4, 1], dtype: 'float32' }],
      outputs: [{ name: 'relu', shape: [null, 3, 3, 2], dtype: 'float32' }],
      nodeCount: 4,
    });
    assert.equal(s.totalParams, KERNEL.length);
    assert.equal(s.trainableParams, 0);
    assert.deepEqual(s.inputShape, [null, 4, 4, 1]);
    // Every node but the constants (the weights), inputs first; the kernel counts at the conv that reads it.
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.className, l.outputShape, l.nonTrainableParams, l.inbound]),
      [
        ['x', 'Placeholder', [null, 4, 4, 1], 0, []],
        ['conv', 'Conv2D', [null, 3, 3, 2], KERNEL.length, ['x']],
        ['relu', 'Relu', [null, 3, 3, 2], 0, ['conv']],
      ],
    );
    assert.equal(s.defaultCut, 'relu', 'no classifier tail: the output is the cut');
  } finally {
    extractor.dispose();
  }
});

test('a trainable head learns on the features while the graph stays frozen', async () => {
  const extractor = await loadGraphFeatureExtractor(writeGraphModel());
  try {
    // Two classes: bright images and dark images; feature 0 (positive kernel sum) separates them.
    const images = tf.tidy(() => tf.concat([tf.fill([8, 4, 4, 1], 1), tf.fill([8, 4, 4, 1], -1)]).add(tf.randomUniform([16, 4, 4, 1], -0.1, 0.1, 'float32', 3)));
    const labels = tf.oneHot(tf.tensor1d([...Array(8).fill(0), ...Array(8).fill(1)], 'int32'), 2);
    const extractPooled = async () => {
      const [raw] = await extractor.extract(images);
      const pooled = raw.mean([1, 2]);
      raw.dispose();
      return pooled;
    };
    const features = await extractPooled();
    const before = await features.data();
    const head = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    head.compile({ optimizer: tf.train.adam(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await head.fit(features, labels, { epochs: 40, verbose: 0 });
    const acc = history.history.acc as number[];
    assert.equal(acc.at(-1), 1, `head accuracy ${acc.at(-1)}`);
    const after = await extractPooled();
    assert.deepEqual(await after.data(), before, 'the graph computes the same features after the head trained');
    tf.dispose([images, labels, features, after]);
    head.dispose();
  } finally {
    extractor.dispose();
  }
});

test('an op TF.js lacks is reported as unsupported, never evaluated, and nothing leaks', async () => {
  const dir = writeGraphModel({ extraNodes: [{ name: 'weird', op: 'MadeUpOp', input: ['relu'] }] });
  const executed: string[] = [];
  const proto = tf.GraphModel.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { execute: proto.execute, executeAsync: proto.executeAsync };
  proto.execute = function (...a: unknown[]) {
    executed.push('execute');
    return originals.execute.apply(this, a);
  };
  proto.executeAsync = function (...a: unknown[]) {
    executed.push('executeAsync');
    return originals.executeAsync.apply(this, a);
  };
  const tensorsBefore = tf.memory().numTensors;
  try {
    await assert.rejects(loadGraphFeatureExtractor(dir), (e: Error) => {
      assert.match(e.message, /model\.json: unsupported op: MadeUpOp \(TF\.js has no implementation of this op\); the model was not run$/);
      return true;
    });
    assert.deepEqual(executed, [], 'nothing was executed');
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the loaded weights were disposed');
  } finally {
    proto.execute = originals.execute;
    proto.executeAsync = originals.executeAsync;
  }
});

test('hostile Graph model files are refused before tfjs, naming the problem', async () => {
  const cases: [Options & { mutate?: (json: any) => void }, RegExp][] = [
    [{ placeholderShape: [-1, 1e9, 4, 1] }, /placeholder 'x' has dimension "1000000000"; expected -1 or 0…/],
    [{ kernel: [0.5, NaN, 0, 0, 0, 0, 0, 0] }, /weight 'conv\/kernel' holds NaN or Inf \(element 1\)/],
    [{ extraNodes: [{ name: 'relu', op: 'Relu', input: ['conv'] }] }, /the graph has two nodes named 'relu'/],
    [{ extraNodes: [{ name: '__proto__', op: 'Relu', input: ['conv'] }] }, /a node with an invalid name "__proto__"/],
    [{ extraNodes: [{ name: 'bad', op: 'Relu; rm -rf', input: ['conv'] }] }, /node 'bad' has an invalid op "Relu; rm -rf"/],
    [{ kernel: [1, 2, 3] }, /weight shards are too short: 12 bytes on disk, but the weight specs need exactly 32/],
  ];
  for (const [options, message] of cases) {
    const dir = writeGraphModel(options);
    await assert.rejects(validateGraphModelDir(dir), (e: Error) => {
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});

test('a Layers model.json is not taken for a Graph model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ft-graph-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
  await assert.rejects(validateGraphModelDir(dir), /has format 'layers-model', not graph-model; open it as a Layers model/);
});
