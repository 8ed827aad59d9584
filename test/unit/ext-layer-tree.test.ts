// The Layers tree's structure: a totals row, top-level layers in order,
// nested models as children, and fast enough for 300+ layer models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerTreeIndex, canCutGraphAt, rowLabel } from '../../src/extension/views/layerTreeIndex';
import { layerIcon } from '../../src/extension/views/layerIcons';
import { shapeText, shortCount, duration } from '../../src/extension/views/format';
import { PlanModel, initialPlan, planView } from '../../src/extension/state/freezePlan';
import { HostStore } from '../../src/extension/state/store';
import { buildSpec } from '../../src/extension/state/specBuilder';
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

/** A Graph model's summary as the engine builds it: full node names, scopes as paths. */
function graphSummary() {
  const node = (index: number, name: string, op: string, outputShape: (number | null)[], params = 0) =>
    layer(index, name, op, 0, { path: name.split('/').slice(0, -1), outputShape, nonTrainableParams: params, hasWeights: params > 0 });
  return {
    ...demoSummary(),
    format: 'graph' as const,
    defaultCut: 'net/pool/Mean',
    layers: [
      node(0, 'x', 'Placeholder', [null, 12, 12, 1]),
      node(1, 'net/conv/Conv2D', 'Conv2D', [null, 10, 10, 2], 18),
      node(2, 'net/conv/Relu', 'Relu', [null, 10, 10, 2]),
      node(3, 'net/rows', 'Reshape', [null, 100, 2], 3),
      node(4, 'net/rows/check', 'Identity', [null, 100, 2]),
      node(5, 'net/pool/Mean', 'Mean', [null, 2], 1),
      node(6, 'Identity', 'Identity', [null, 3]),
    ],
  };
}

test('a Graph model: nodes grouped by name scope, labelled by their last segment, cut where a head can go', () => {
  const summary = graphSummary();
  const index = new LayerTreeIndex(summary);
  const label = (n: ReturnType<typeof index.roots>[number]) => (n.kind === 'layer' ? rowLabel(summary, summary.layers[n.id]) : n.kind === 'group' ? `${n.name}/` : n.kind);
  assert.deepEqual(index.roots().map(label), ['totals', 'x', 'net/', 'Identity']);
  const net = index.roots()[2];
  assert.deepEqual(index.childrenOf(net).map(label), ['conv/', 'rows', 'pool/']);
  const [conv, rows, pool] = index.childrenOf(net);
  assert.deepEqual(index.childrenOf(conv).map(label), ['Conv2D', 'Relu']);
  // A node named like a scope holds that scope's nodes, as a nested model's row holds its layers.
  assert.deepEqual(index.childrenOf(rows).map(label), ['check']);
  assert.deepEqual(index.childrenOf(pool).map(label), ['Mean']);
  assert.deepEqual(summary.layers.map(canCutGraphAt), [true, true, true, false, false, true, true]);
});

test('the run spec of a Graph model carries the cut node the tree chose, and trains the head only', () => {
  const store = new HostStore();
  const summary = graphSummary();
  store.setModel('/graph', summary);
  assert.equal(store.plan?.cut, 5, 'the default cut is the node the summary names');
  store.setDataset('/data', 'data');
  store.setHealth('/data', null, null);
  const built = buildSpec(store, '/runs', 'cpu');
  assert.ok(built.ok, built.ok ? '' : built.reason);
  assert.equal(built.spec.cut, 'net/pool/Mean');
  assert.equal(built.spec.train, 'head');
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
  assert.equal(layerIcon('Conv2D'), 'symbol-array');
  assert.equal(layerIcon('DepthwiseConv2D'), 'symbol-structure');
  assert.equal(layerIcon('BatchNormalization'), 'symbol-ruler');
  assert.equal(layerIcon('GlobalAveragePooling2D'), 'fold-down');
  assert.equal(layerIcon('SomethingNew'), 'symbol-field');
  assert.equal(shapeText([null, 24, 24, 32]), '[?, 24, 24, 32]');
  assert.equal(shapeText([[null, 4], [null, 2]]), '[?, 4] [?, 2]');
  assert.equal(shortCount(22_360_869), '22.4M');
  assert.equal(shortCount(9248), '9248');
  assert.equal(shortCount(23_045), '23.0k');
  assert.equal(duration(83_000), '1m 23s');
  assert.equal(duration(null), '–');
});
