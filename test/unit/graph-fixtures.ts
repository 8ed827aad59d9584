// Hand-written TF.js Graph models (tfjs cannot export Graph models from JS)
// for the graph- and run- tests, on the run fixtures' 12×12×1 images.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PX, tempDir } from './run-fixtures';

const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
const T = { T: { type: 'DT_FLOAT' } };

function constNode(name: string, dtype: 'DT_FLOAT' | 'DT_INT32', shape: number[]) {
  return { name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: dims(...shape) } } } };
}

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: number[];
}

function writeGraph(tag: string, nodes: object[], weights: Weight[]): { dir: string; shard: Buffer } {
  const dir = tempDir(tag);
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'finetune-studio test',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  const shard = Buffer.concat(weights.map((w) => Buffer.from((w.dtype === 'int32' ? new Int32Array(w.values) : new Float32Array(w.values)).buffer)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), shard);
  return { dir, shard };
}

export const BAND_FEATURES = 4;

/** W[144×4]: three band averages plus one column of small fixed noise (a feature the head must learn to ignore). */
function bandWeights(): number[] {
  const w = new Array<number>(PX * PX * BAND_FEATURES).fill(0);
  for (let i = 0; i < PX * PX; i++) {
    const band = Math.floor((Math.floor(i / PX) * 3) / PX);
    w[i * BAND_FEATURES + band] = 3 / (PX * PX);
    w[i * BAND_FEATURES + 3] = ((i * 37) % 11) / 110 - 0.05;
  }
  return w;
}

/**
 * A feature-vector graph: x[12×12×1] → Reshape[-1,144] → MatMul(W) → Relu,
 * where W's columns average the top, middle and bottom bands, so the
 * features separate the run fixtures' classes.
 */
export function writeBandGraph(): { dir: string; shard: Buffer } {
  return writeGraph(
    'graph-model',
    [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, PX, PX, 1) } } },
      constNode('flat/shape', 'DT_INT32', [2]),
      { name: 'flat', op: 'Reshape', input: ['x', 'flat/shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
      constNode('proj/w', 'DT_FLOAT', [PX * PX, BAND_FEATURES]),
      { name: 'proj', op: 'MatMul', input: ['flat', 'proj/w'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'features', op: 'Relu', input: ['proj'], attr: T },
    ],
    [
      { name: 'flat/shape', shape: [2], dtype: 'int32', values: [-1, PX * PX] },
      { name: 'proj/w', shape: [PX * PX, BAND_FEATURES], dtype: 'float32', values: bandWeights() },
    ],
  );
}

/** Node names of the classifier graph, by role. */
export const CLASSIFIER = {
  conv: 'net/conv/Relu', // [n, 10, 10, 2]
  rows: 'net/rows/Reshape', // [n, 100, 2]: 3-D, no head takes it
  pool: 'net/pool/Mean', // [n, 2]: feeds the classifier
  probabilities: 'head/Softmax',
  output: 'Identity',
};

/**
 * A classifier graph as the converter writes a Keras model:
 * x → Conv2D(3×3, 2 filters) → Relu → Reshape[-1,100,2] → Mean(axis 1)
 * → MatMul → BiasAdd → Softmax → Identity, with name scopes. With
 * `endAtRows` the graph ends at the 3-D Reshape (an output no head takes).
 */
export function writeClassifierGraph(options: { endAtRows?: boolean } = {}): { dir: string; shard: Buffer } {
  const kernel = Array.from({ length: 3 * 3 * 1 * 2 }, (_, i) => ((i * 7) % 5) / 5 - 0.3);
  const nodes = [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, PX, PX, 1) } } },
      constNode('net/conv/kernel', 'DT_FLOAT', [3, 3, 1, 2]),
      {
        name: 'net/conv/Conv2D',
        op: 'Conv2D',
        input: ['x', 'net/conv/kernel'],
        attr: { ...T, strides: { list: { i: ['1', '1', '1', '1'] } }, dilations: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: Buffer.from('VALID').toString('base64') }, data_format: { s: Buffer.from('NHWC').toString('base64') } },
      },
      { name: CLASSIFIER.conv, op: 'Relu', input: ['net/conv/Conv2D'], attr: T },
      constNode('net/rows/shape', 'DT_INT32', [3]),
      { name: CLASSIFIER.rows, op: 'Reshape', input: [CLASSIFIER.conv, 'net/rows/shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
      constNode('net/pool/axes', 'DT_INT32', [1]),
      { name: CLASSIFIER.pool, op: 'Mean', input: [CLASSIFIER.rows, 'net/pool/axes'], attr: { ...T, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
      constNode('head/dense/kernel', 'DT_FLOAT', [2, 3]),
      { name: 'head/dense/MatMul', op: 'MatMul', input: [CLASSIFIER.pool, 'head/dense/kernel'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
      constNode('head/dense/bias', 'DT_FLOAT', [3]),
      { name: 'head/dense/BiasAdd', op: 'BiasAdd', input: ['head/dense/MatMul', 'head/dense/bias'], attr: T },
      { name: CLASSIFIER.probabilities, op: 'Softmax', input: ['head/dense/BiasAdd'], attr: T },
      { name: CLASSIFIER.output, op: 'Identity', input: [CLASSIFIER.probabilities], attr: T },
  ];
  const weights: Weight[] = [
      { name: 'net/conv/kernel', shape: [3, 3, 1, 2], dtype: 'float32', values: kernel },
      { name: 'net/rows/shape', shape: [3], dtype: 'int32', values: [-1, 100, 2] },
      { name: 'net/pool/axes', shape: [1], dtype: 'int32', values: [1] },
      { name: 'head/dense/kernel', shape: [2, 3], dtype: 'float32', values: [1, -1, 0.5, -0.5, 1, 0.25] },
      { name: 'head/dense/bias', shape: [3], dtype: 'float32', values: [0.1, 0, -0.1] },
  ];
  if (!options.endAtRows) return writeGraph('graph-classifier', nodes, weights);
  const upTo = nodes.findIndex((n) => n.name === CLASSIFIER.rows) + 1;
  return writeGraph('graph-rows', nodes.slice(0, upTo), weights.filter((w) => w.name.startsWith('net/conv') || w.name.startsWith('net/rows')));
}
