// A real converter-made Graph model: the uint8-quantized MobileNetV2 that the
// `nsfwjs` package ships (FusedConv2D, FusedDepthwiseConv2dNative, …).
// Extracted here into a folder, served on loopback, pulled into the cache
// (validated as a Graph model on the way in), then loaded as a frozen
// feature extractor whose output matches tfjs's own loading of the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf';
import { loadGraphFeatureExtractor } from '../../src/engine/model/graphModel';
import { detectModelFormat, pullModel } from '../../src/engine/sources/resolve';
import { startModelServer, tempCache } from './sources-fixture';
import { hasNsfwjsModel, NSFWJS_GRAPH_MODEL, readNsfwjsModelFiles } from '../helpers/nsfwjsFixtures';


interface GraphModule {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

test('a real quantized MobileNetV2 Graph model downloads, validates and extracts features like tfjs itself', { skip: !hasNsfwjsModel(NSFWJS_GRAPH_MODEL) && 'nsfwjs not installed' }, async () => {
  const files = readNsfwjsModelFiles(NSFWJS_GRAPH_MODEL);
  const module = JSON.parse(files['model.json'].toString('utf8')) as GraphModule;
  const server = await startModelServer(files);
  let extractor;
  try {
    const pulled = await pullModel(`${server.base}model.json`, { cacheDir: tempCache(), env: {} });
    assert.equal(await detectModelFormat(pulled.dir), 'graph');
    extractor = await loadGraphFeatureExtractor(pulled.dir, { name: 'nsfwjs-mobilenet-v2-mid' });
    const graph = extractor.summary.graph!;
    assert.equal(graph.nodeCount, module.modelTopology && (module.modelTopology as { node: unknown[] }).node.length);
    assert.deepEqual(graph.inputs.map((i) => i.shape), [[null, 224, 224, 3]]);
    // A classifier graph: the default cut is the feature vector that feeds the final MatMul, not the 5 probabilities.
    const cut = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';
    assert.equal(extractor.cut, cut);
    assert.deepEqual(extractor.shapes, [[1792]]); // MobileNetV2 at width 1.4
    assert.equal(extractor.summary.defaultCut, cut);
    assert.equal(extractor.summary.layers.find((l) => l.name === cut)?.className, 'Squeeze');
    assert.deepEqual(graph.outputs.map((o) => o.shape), [[null, 5]]);
    assert.equal(extractor.summary.trainableParams, 0);
    assert.ok(extractor.summary.totalParams > 2_000_000, `params ${extractor.summary.totalParams}`);

    const image = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 5);
    const [features] = await extractor.extract(image);
    // Reference: tfjs loading the very same artifacts by itself.
    const reference = await tf.loadGraphModel(
      tf.io.fromMemory({ modelTopology: module.modelTopology, weightSpecs: module.weightsManifest[0].weights, weightData: Buffer.concat(module.weightsManifest[0].paths.map((p) => files[p])).buffer.slice(0) as ArrayBuffer, format: 'graph-model' }),
    );
    const expected = reference.execute(image, cut) as tf.Tensor;
    const got = await features.data();
    const want = await expected.data();
    assert.equal(got.length, want.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `feature ${i}: ${v} vs ${want[i]}`));
    tf.dispose([image, features, expected]);
    reference.dispose();
  } finally {
    extractor?.dispose();
    await server.close();
  }
});
