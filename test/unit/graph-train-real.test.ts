// The saved form of a Graph fine-tune with a real converter-made model: the
// uint8-quantized MobileNetV2 that `nsfwjs` ships. Its quantized weights must
// reach base.json / base.weights.bin byte for byte (not dequantized), and the
// saved folder must classify exactly as the original graph + head do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadGraphFeatureExtractor } from '../../src/engine/model/graphModel';
import { loadClassifier, saveGraphFineTune } from '../../src/engine/graph/saved';
import { selectBackend } from '../../src/engine/backend/select';
import { tempDir } from './run-fixtures';

const requireHere = createRequire(resolve('package.json'));
const unwrap = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;

function nsfwjsDir(): string | undefined {
  for (const base of requireHere.resolve.paths('nsfwjs') ?? []) {
    const dir = join(base, 'nsfwjs', 'dist', 'models', 'mobilenet_v2_mid');
    if (existsSync(join(dir, 'model.min.js'))) return dir;
  }
  return undefined;
}

/** The package ships the model as JS modules; write it out as a plain TF.js folder. */
function writeNsfwjsFolder(src: string): { dir: string; weights: Buffer } {
  const module = unwrap<{ weightsManifest: { paths: string[] }[] } & Record<string, unknown>>(requireHere(join(src, 'model.min.js')));
  const dir = tempDir('nsfwjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(module));
  const shards = module.weightsManifest[0].paths.map((p) => {
    const bytes = Buffer.from(unwrap<string>(requireHere(join(src, `${p}.min.js`))), 'base64');
    writeFileSync(join(dir, p), bytes);
    return bytes;
  });
  return { dir, weights: Buffer.concat(shards) };
}

test('a quantized Graph base is saved byte for byte and the saved folder predicts like graph + head', { skip: !nsfwjsDir() && 'nsfwjs not installed' }, async () => {
  // wasm runs MobileNetV2 ~20× faster than the cpu backend; inference needs no gradient kernels.
  await selectBackend({ requested: 'wasm' });
  const { dir, weights } = writeNsfwjsFolder(nsfwjsDir()!);
  const extractor = await loadGraphFeatureExtractor(dir);
  const width = extractor.featureShape[1];
  const head = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [width], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), name: 'ft_head_dense' })] });
  const out = join(tempDir('nsfwjs-run'), 'model');
  const pre = { height: 224, width: 224, channels: 3 as const, channelOrder: 'rgb' as const, range: { kind: 'unit' as const }, resize: 'centerCrop' as const };
  const images = tf.randomUniform([2, 224, 224, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
  let saved;
  try {
    await saveGraphFineTune(head, dir, out, ['a', 'b', 'c'], pre);
    assert.deepEqual(readFileSync(join(out, 'base.weights.bin')), weights);
    const spec = (JSON.parse(readFileSync(join(out, 'base.json'), 'utf8')) as { weightsManifest: { weights: { quantization?: { dtype: string } }[] }[] }).weightsManifest[0].weights;
    assert.ok(spec.some((w) => w.quantization?.dtype === 'uint8'), 'quantization kept');

    const features = await extractor.extract(images);
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
