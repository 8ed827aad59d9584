import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanModel, freezeUpTo, initialPlan, planView, toTrainPlan, unfreezeFrom, withCut, withLayers, withPreset, withTopK } from '../../src/extension/state/freezePlan';
import { blockySummary, demoSummary, nestedSummary } from './ext-fixtures';

test('the initial plan trains the head only, cut at the default cut', () => {
  const model = new PlanModel(demoSummary());
  const plan = initialPlan(model);
  assert.equal(model.layers[plan.cut].name, 'dropout_1');
  assert.equal(plan.trainable.size, 0);
  assert.equal(toTrainPlan(model, plan), 'head');
});

test('head params: dense(features × classes + classes) on a 2-D cut, global pooling on a 4-D one', () => {
  const model = new PlanModel(demoSummary());
  assert.equal(model.headParams(6, 5), 128 * 5 + 5);
  assert.equal(model.headParams(1, 5), 32 * 5 + 5); // [null, 24, 24, 32] → pooled to 32
  assert.equal(model.headParams(6, null), null);
});

test('presets: all = every weighted layer up to the cut; top K = the K nearest the cut', () => {
  const model = new PlanModel(demoSummary());
  const all = withPreset(model, initialPlan(model), 'all');
  assert.deepEqual([...all.trainable].sort(), [0, 1, 5]);
  assert.equal(toTrainPlan(model, all), 'all');
  const top2 = withTopK(model, all, 2);
  assert.deepEqual([...top2.trainable].sort(), [1, 5]);
  assert.equal(toTrainPlan(model, top2), 'top:2');
  assert.equal(withTopK(model, all, 99).topK, 3, 'K is clamped to the weighted layers before the cut');
});

test('toggling a layer makes the plan custom and moves the trainable count by exactly that layer', () => {
  const model = new PlanModel(demoSummary());
  const base = initialPlan(model);
  const before = planView(model, base, 5).trainableParams;
  const on = withLayers(model, base, [5], true);
  assert.equal(on.preset, 'custom');
  assert.equal(planView(model, on, 5).trainableParams - before, 589_952);
  const off = withLayers(model, on, [5], false);
  assert.equal(planView(model, off, 5).trainableParams, before);
  assert.deepEqual(toTrainPlan(model, on), ['dense']);
});

test('layers without weights, after the cut or unknown are never made trainable', () => {
  const model = new PlanModel(demoSummary());
  const base = initialPlan(model);
  assert.equal(withLayers(model, base, [2, 7, 999, -1], true), base, 'no change returns the same plan object');
});

test('moving the cut earlier drops trainable layers after it', () => {
  const model = new PlanModel(demoSummary());
  const all = withPreset(model, initialPlan(model), 'all');
  const cut = withCut(model, all, 2);
  assert.deepEqual([...cut.trainable].sort(), [0, 1]);
  assert.equal(withCut(model, all, 100), all, 'an out-of-range cut is ignored');
});

test('freeze up to here / unfreeze from here', () => {
  const model = new PlanModel(demoSummary());
  const plan = freezeUpTo(model, initialPlan(model), 1);
  assert.deepEqual([...plan.trainable].sort(), [5]);
  const more = unfreezeFrom(model, initialPlan(model), 1);
  assert.deepEqual([...more.trainable].sort(), [1, 5]);
});

test('a frozen BatchNormalization counts only gamma/beta as trainable capacity', () => {
  const model = new PlanModel(blockySummary());
  const bn = model.idOf('block_1_expand_BN')!;
  assert.equal(model.trainableCapacity(bn), 128);
});

test('nested models: the container is not selectable, toggling it toggles its children', () => {
  const model = new PlanModel(nestedSummary());
  assert.ok(model.containers.has(1));
  assert.ok(!model.selectable.has(1));
  const plan = { ...initialPlan(model), cut: 4 };
  const on = withLayers(model, plan, [1], true);
  assert.deepEqual([...on.trainable].sort(), [2, 3]);
  // The container's params are its children's: not counted twice.
  assert.equal(planView(model, on, null).baseTrainableParams, 300);
  assert.equal(planView(model, on, null).totalParams, 350);
});

test('blocks: named blocks become per-block toggles with a state', () => {
  const model = new PlanModel(blockySummary(4));
  const names = model.blocks.map((b) => b.name);
  assert.deepEqual(names, ['stem', 'block_1', 'block_2', 'block_3', 'block_4']);
  const plan = { ...initialPlan(model), cut: model.layers.length - 1 };
  const b3 = model.blocks[3];
  const on = withLayers(model, plan, b3.layers, true);
  const view = planView(model, on, 10);
  assert.equal(view.blocks[3].state, 'trainable');
  assert.equal(view.blocks[2].state, 'frozen');
  const mixed = withLayers(model, on, [b3.layers[0]], false);
  assert.equal(planView(model, mixed, 10).blocks[3].state, 'mixed');
});

test('a model without block names gets one block per weighted layer', () => {
  const model = new PlanModel(demoSummary());
  assert.deepEqual(model.blocks.map((b) => b.name), ['conv2d', 'conv2d_1', 'dense', 'dense_1']);
});

test('a 300-layer plan view is computed quickly', () => {
  const model = new PlanModel(blockySummary(100));
  const plan = withPreset(model, { ...initialPlan(model) }, 'all');
  const started = performance.now();
  for (let i = 0; i < 100; i++) planView(model, withLayers(model, plan, [3 + (i % 50) * 3], i % 2 === 0), 10);
  const perView = (performance.now() - started) / 100;
  assert.ok(model.layers.length > 300);
  assert.ok(perView < 5, `planView took ${perView.toFixed(2)} ms`);
});
