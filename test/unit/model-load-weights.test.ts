// Quantized weights (the schema tfjs converters write) load with the values
// tfjs's own decoder gives; loading weights into an existing model is all or
// nothing (issue 5, case 11).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir, loadWeightsInto, ModelFileError, validateLayersModelDir } from '../../src/engine/model/load';
import { artifactsOf, tinyCnn, writeModelFolder, type ModelJson } from '../helpers/modelFolder';

let root: string;
let valid: { json: ModelJson; data: Uint8Array };
let n = 0;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'ft-weights-'));
  const m = tinyCnn();
  valid = await artifactsOf(m);
  m.dispose();
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Replaces conv/kernel (the first weight, 18 floats) by a quantized encoding of `codes`. */
function quantizedFolder(quantization: object, codes: Uint8Array): string {
  const json: ModelJson = structuredClone(valid.json);
  json.weightsManifest[0].weights[0].quantization = quantization;
  const rest = valid.data.slice(18 * 4);
  return writeModelFolder(join(root, `q${++n}`), json, { 'weights.bin': new Uint8Array([...codes, ...rest]) });
}

test('uint8-quantized weights load as min + scale·q', async () => {
  const codes = Uint8Array.from({ length: 18 }, (_, i) => i * 14);
  const model = await loadLayersModelFromDir(quantizedFolder({ dtype: 'uint8', min: -1, scale: 0.01 }, codes));
  const kernel = Array.from(model.getLayer('conv').getWeights()[0].dataSync());
  kernel.forEach((v, i) => assert.ok(Math.abs(v - (-1 + 0.01 * codes[i])) < 1e-6, `element ${i}: ${v}`));
  model.dispose();
});

test('uint16-quantized weights load', async () => {
  const words = new Uint16Array(Array.from({ length: 18 }, (_, i) => i * 1000));
  const model = await loadLayersModelFromDir(quantizedFolder({ dtype: 'uint16', min: 0, scale: 0.001 }, new Uint8Array(words.buffer)));
  const kernel = model.getLayer('conv').getWeights()[0].dataSync();
  assert.ok(Math.abs(kernel[17] - 17) < 1e-4);
  model.dispose();
});

test('float16 weights load, and a float16 Inf is refused', async () => {
  const halves = new Uint16Array(18).fill(0x3c00); // 1.0
  const model = await loadLayersModelFromDir(quantizedFolder({ dtype: 'float16' }, new Uint8Array(halves.buffer)));
  assert.deepEqual(Array.from(model.getLayer('conv').getWeights()[0].dataSync()), new Array(18).fill(1));
  model.dispose();
  halves[5] = 0x7c00; // +Inf
  const dir = quantizedFolder({ dtype: 'float16' }, new Uint8Array(halves.buffer));
  await assert.rejects(loadLayersModelFromDir(dir), /weight 'conv\/kernel' holds NaN or Inf \(element 5\)/);
});

test('uint8 min/scale that dequantize to Inf are refused', async () => {
  const dir = quantizedFolder({ dtype: 'uint8', min: 0, scale: 1e308 }, new Uint8Array(18));
  await assert.rejects(loadLayersModelFromDir(dir), /quantization min\/scale that dequantize to Inf/);
});

/** Weights of a model as plain arrays, to prove nothing changed. */
function snapshot(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

async function intoFresh(mutate: (json: ModelJson) => void, problem: RegExp): Promise<void> {
  const json: ModelJson = structuredClone(valid.json);
  mutate(json);
  const dir = join(root, `into${++n}`);
  const data = new Uint8Array(json.weightsManifest[0].weights.reduce((s, w) => s + 4 * w.shape.reduce((a: number, b: number) => a * b, 1), 0));
  data.set(valid.data.slice(0, Math.min(valid.data.length, data.length)));
  writeModelFolder(dir, json, { 'weights.bin': data });
  const artifacts = await validateLayersModelDir(dir).catch(async () => {
    // Topology checks may reject the mutated file; take its manifest alone against the original topology.
    writeModelFolder(dir, { ...json, modelTopology: valid.json.modelTopology }, { 'weights.bin': data });
    return validateLayersModelDir(dir);
  });
  const target = tinyCnn(7);
  const before = snapshot(target);
  const tensorsBefore = tf.memory().numTensors;
  assert.throws(() => loadWeightsInto(target, artifacts), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.equal(e.file, join(dir, 'model.json'));
    assert.match(e.problem, problem);
    return true;
  });
  assert.deepEqual(snapshot(target), before, 'the model is unchanged');
  assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing decoded');
  target.dispose();
}

test('loadWeightsInto: matching weights are assigned', async () => {
  const artifacts = await validateLayersModelDir(writeModelFolder(join(root, 'match'), valid.json, { 'weights.bin': valid.data }));
  const target = tinyCnn(7);
  const source = tinyCnn(1);
  assert.notDeepEqual(snapshot(target), snapshot(source));
  loadWeightsInto(target, artifacts);
  assert.deepEqual(snapshot(target), snapshot(source));
  target.dispose();
  source.dispose();
});

test('loadWeightsInto: a missing weight leaves the model unchanged', () =>
  intoFresh((j) => j.weightsManifest[0].weights.pop(), /is missing 1 weight\(s\) the model needs: out\/bias/));

test('loadWeightsInto: an extra weight leaves the model unchanged', () =>
  intoFresh((j) => j.weightsManifest[0].weights.push({ name: 'extra/kernel', shape: [2], dtype: 'float32' }), /has weight 'extra\/kernel', which the model has no place for/));

test('loadWeightsInto: a wrong-shaped weight leaves the model unchanged', () =>
  intoFresh((j) => void (j.weightsManifest[0].weights[3].shape = [3]), /weight 'out\/bias' has shape \[3\] but the model expects \[2\]/));
