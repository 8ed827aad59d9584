// The saved form of a Graph fine-tune with a real converter-made model: the
// uint8-quantized MobileNetV2 that `nsfwjs` ships. Its quantized weights must
// reach base.json / base.weights.bin byte for byte (not dequantized), and the
// saved folder must classify exactly as the original graph + head do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadGraphFeatureExtractor } from '../../src/engine/model/graphModel';
import { loadClassifier, saveGraphFineTune } from '../../src/engine/graph/saved';
import { selectBackend } from '../../src/engine/backend/select';
import { tempDir } from './run-fixtures';
import { hasNsfwjsModel, NSFWJS_GRAPH_MODEL, readNsfwjsModelFiles } from '../helpers/nsfwjsFixtures';


/** The package ships the model as JS modules; write it out as a plain TF.js folder. */
function writeNsfwjsFolder(): { dir: string; weights: Buffer } {
  const { 'model.json': json, ...shards } = readNsfwjsModelFiles(NSFWJS_GRAPH_MODEL);
  const dir = tempDir('nsfwjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), json);
  const manifest = JSON.parse(json.toString('utf8')) as { weightsManifest: { paths: string[] }[] };
  const ordered = manifest.weightsManifest[0].paths.map((p) => {
    writeFileSync(join(dir, p), shards[p]);
    return shards[p];
  });
  return { dir, weights: Buffer.concat(ordered) };
}

test('a quantized Graph base is saved byte for byte and the saved folder predicts like graph + head', { skip: !hasNsfwjsModel(NSFWJS_GRAPH_MODEL) && 'nsfwjs not installed' }, async () => {
  // wasm runs MobileNetV2 ~20× faster than the cpu backend; inference needs no gradient kernels.
  await selectBackend({ requested: 'wasm' });
  const { dir, weights } = writeNsfwjsFolder();
  const extractor = await loadGraphFeatureExtractor(dir);
  const [width] = extractor.shapes[0];
  const head = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [width], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), name: 'ft_head_dense' })] });
  const out = join(tempDir('nsfwjs-run'), 'model');
  const pre = { height: 224, width: 224, channels: 3 as const, channelOrder: 'rgb' as const, range: { kind: 'unit' as const }, resize: 'centerCrop' as const };
  const images = tf.randomUniform([2, 224, 224, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
  let saved;
  try {
    await saveGraphFineTune(head, { dir, cut: extractor.cut }, out, ['a', 'b', 'c'], pre);
    assert.deepEqual(readFileSync(join(out, 'base.weights.bin')), weights);
    const spec = (JSON.parse(readFileSync(join(out, 'base.json'), 'utf8')) as { weightsManifest: { weights: { quantization?: { dtype: string } }[] }[] }).weightsManifest[0].weights;
    assert.ok(spec.some((w) => w.quantization?.dtype === 'uint8'), 'quantization kept');

    const [features] = await extractor.extract(images);
    const want = await (head.predict(features) as tf.Tensor).data();
    features.dispose();
    saved = await loadClassifier(out);
    assert.equal(saved.outputs, 3);
    const probs = await saved.predict(images);
    const got = await probs.data();
    probs.dispose();
    assert.equal(got.length, want.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `prob ${i}: ${v} vs ${want[i]}`));
  } finally {
    images.dispose();
    saved?.dispose();
    head.dispose();
    extractor.dispose();
  }
});
