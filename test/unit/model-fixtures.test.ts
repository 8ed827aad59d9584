// The real architectures shipped by nsfwjs (Keras-converted, uint8-quantized)
// pass validation, load and summarise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLayersModelFromDir, validateLayersModelDir } from '../../src/engine/model/load';
import { summarizeModel } from '../../src/engine/model/summary';
import { defaultPreprocessing } from '../../src/engine/model/transfer';
import { fixtureDir } from '../helpers/nsfwjsFixtures';

for (const [name, size, layers] of [['mobilenet_v2', 224, 162], ['inception_v3', 299, 318]] as const) {
  test(`${name} loads and summarises`, async () => {
    const dir = fixtureDir(name);
    const artifacts = await validateLayersModelDir(dir);
    assert.ok(artifacts.weightSpecs.every((s) => s.quantization?.dtype === 'uint8'), 'the fixture exercises the quantization schema');
    const model = await loadLayersModelFromDir(dir);
    const s = summarizeModel(model, name);
    assert.equal(s.layers.length, layers);
    assert.equal(s.totalParams, model.countParams());
    assert.equal(s.layers.reduce((sum, l) => sum + l.trainableParams + l.nonTrainableParams, 0), model.countParams());
    assert.deepEqual(s.inputShape, [null, size, size, 3]);
    // Both end … → AveragePooling2D → Flatten → Dense → Dropout → Dense → Dropout → Dense(5, softmax).
    assert.equal(s.defaultCut, 'flatten_1');
    assert.deepEqual(s.layers.find((l) => l.name === 'flatten_1')!.inbound, [name === 'mobilenet_v2' ? 'average_pooling2d_1' : 'average_pooling2d_10']);
    assert.ok(s.layers.some((l) => l.className === 'BatchNormalization' && l.nonTrainableParams > 0));
    const pre = defaultPreprocessing(model);
    assert.equal(pre.height, size);
    assert.deepEqual(pre.range, { kind: 'symmetric' });
    model.dispose();
  });
}
