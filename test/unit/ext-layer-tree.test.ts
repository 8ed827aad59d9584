// The Layers tree's structure: a totals row, top-level layers in order,
// nested models as children, and fast enough for 300+ layer models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerTreeIndex } from '../../src/extension/views/layerTreeIndex';
import { layerIcon } from '../../src/extension/views/layerIcons';
import { shapeText, shortCount, duration } from '../../src/extension/views/format';
import { PlanModel, initialPlan, planView } from '../../src/extension/state/freezePlan';
import { HostStore } from '../../src/extension/state/store';
import { blockySummary, demoSummary, layer, nestedSummary } from './ext-fixtures';

test('roots: the totals row, then every top-level layer in model order', () => {
  const index = new LayerTreeIndex(demoSummary());
  const roots = index.roots();
  assert.deepEqual(roots[0], { kind: 'totals' });
  assert.deepEqual(roots.slice(1).map((n) => (n.kind === 'layer' ? n.id : -1)), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('a nested model row has its layers as children', () => {
  const index = new LayerTreeIndex(nestedSummary());
  const roots = index.roots();
  assert.deepEqual(roots.slice(1).map((n) => (n.kind === 'layer' ? n.id : -1)), [0, 1, 4]);
  const backbone = index.node(1)!;
  assert.ok(index.hasChildren(backbone));
  assert.deepEqual(index.childrenOf(backbone).map((n) => (n.kind === 'layer' ? n.id : -1)), [2, 3]);
});

test('a nested path without its own row becomes a group node', () => {
  const summary = { ...demoSummary(), layers: [layer(0, 'in', 'InputLayer', 0), layer(1, 'x', 'Dense', 10, { path: ['sub'] }), layer(2, 'y', 'Dense', 10)] };
  const index = new LayerTreeIndex(summary);
  const group = index.roots().find((n) => n.kind === 'group')!;
  assert.deepEqual(index.roots().map((n) => n.kind), ['totals', 'layer', 'group', 'layer'], 'the group sits where its first layer was');
  assert.equal(group.kind, 'group');
  assert.deepEqual(index.childrenOf(group).map((n) => (n.kind === 'layer' ? n.id : -1)), [1]);
});

test('a 300+ layer model: index, plan and both views built well under 300 ms', () => {
  const summary = blockySummary(110); // 335 layers
  const started = performance.now();
  const index = new LayerTreeIndex(summary);
  const roots = index.roots();
  const store = new HostStore();
  store.setModel('/m', summary);
  const snapshot = store.snapshot();
  const elapsed = performance.now() - started;
  assert.equal(roots.length, summary.layers.length + 1);
  assert.equal(snapshot.layers.length, summary.layers.length);
  assert.ok(elapsed < 300, `${elapsed.toFixed(1)} ms`);
  const model = new PlanModel(summary);
  assert.ok(planView(model, initialPlan(model), 10).blocks.length >= 100);
});

test('icons and formatting', () => {
  assert.equal(layerIcon('Conv2D'), 'layers');
  assert.equal(layerIcon('DepthwiseConv2D'), 'layers-dot');
  assert.equal(layerIcon('BatchNormalization'), 'symbol-ruler');
  assert.equal(layerIcon('GlobalAveragePooling2D'), 'fold-down');
  assert.equal(layerIcon('SomethingNew'), 'symbol-misc');
  // Issue 15: a box or "[ ]" glyph beside the real checkbox reads as a second, unchecked checkbox.
  const boxLike = new Set(['circuit-board', 'symbol-array', 'symbol-field', 'symbol-structure', 'screen-normal', 'primitive-square', 'circle-large-outline', 'check', 'pass', 'symbol-constant', 'symbol-enum']);
  for (const cls of ['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'BatchNormalization', 'ZeroPadding2D', 'Rescaling', 'Flatten', 'Add', 'InputLayer', 'Functional', 'Embedding', 'LSTM', 'Dropout', 'ReLU', 'MaxPooling2D', 'SomethingNew']) {
    assert.ok(!boxLike.has(layerIcon(cls)), `${cls} gets ${layerIcon(cls)}, which looks like a checkbox`);
  }
  assert.equal(shapeText([null, 24, 24, 32]), '[?, 24, 24, 32]');
  assert.equal(shapeText([[null, 4], [null, 2]]), '[?, 4] [?, 2]');
  assert.equal(shortCount(22_360_869), '22.4M');
  assert.equal(shortCount(9248), '9248');
  assert.equal(shortCount(23_045), '23.0k');
  assert.equal(duration(83_000), '1m 23s');
  assert.equal(duration(null), '–');
});
