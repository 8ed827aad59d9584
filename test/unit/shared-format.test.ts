// The formatting both the host's trees and the dashboard use (src/shared/format.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counted, duration, fullCount, percent, shapeText, shortCount } from '../../src/shared/format';

test('counts read as numbers with the noun in the right number', () => {
  assert.equal(counted(1, 'layer'), '1 layer');
  assert.equal(counted(0, 'layer'), '0 layers');
  assert.equal(counted(1234, 'layer'), '1,234 layers');
  assert.equal(fullCount(4300775), '4,300,775');
  assert.deepEqual([999, 12345, 4300775, 2.5e9].map(shortCount), ['999', '12.3k', '4.30M', '2.50B']);
});

test('shapes, durations and percentages', () => {
  assert.equal(shapeText([null, 7, 7, 1280]), '[?, 7, 7, 1280]');
  assert.equal(shapeText([[null, 5], [null, 2]]), '[?, 5] [?, 2]');
  assert.deepEqual([null, NaN, -1, 42_000, 83_000, 7_380_000].map(duration), ['–', '–', '–', '42s', '1m 23s', '2h 3m']);
  assert.equal(percent(0.974), '97.4%');
  assert.equal(percent(NaN), '–');
});
