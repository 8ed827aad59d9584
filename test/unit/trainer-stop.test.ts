// Issue 15: Stop is a stop in every phase. Stop while images are decoded makes
// the engine throw an AbortError (and emit an `error` event); the trainer's
// boundary turns that into a `cancelled` reply with no error event, and
// records "stopped" in the run folder, so neither the dashboard nor the Runs
// view calls it a failure. A real error still fails, and says so.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { runWithOutcome } from '../../src/trainer/runOutcome';
import { abortAll } from '../../src/trainer/aborts';
import { errorReply } from '../../src/trainer/errors';
import { TrainSpecSchema } from '../../src/shared/trainSpec';
import { OUTCOME_FILE, parseOutcome, outcomeLine } from '../../src/shared/runOutcome';
import type { TrainEvent } from '../../src/shared/events';
import type { TrainerRequest } from '../../src/shared/protocol/trainer';
import { PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('model'), 'base'));
  dataDir = await writeDataset(join(tempDir('data'), 'bands'));
});

function request(runsDir: string, overrides: Record<string, unknown> = {}): Extract<TrainerRequest, { method: 'train' }> {
  const spec = TrainSpecSchema.parse({ modelDir, dataDir, runsDir, preprocessing: PRE, epochs: 2, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, seed: 11, backend: 'cpu', name: 'stoptest', ...overrides });
  return { id: 1, method: 'train', params: { spec } };
}

function outcomeIn(runsDir: string) {
  const folders = readdirSync(runsDir);
  assert.equal(folders.length, 1, `one run folder: ${folders.join(', ')}`);
  return parseOutcome(readFileSync(join(runsDir, folders[0], OUTCOME_FILE), 'utf8'));
}

test('Stop while images are decoded: a cancelled reply, no error event, and "Stopped before training" on disk', async () => {
  const runsDir = tempDir('runs');
  const events: TrainEvent[] = [];
  // The plan event comes just before decoding starts: Stop "arrives" there.
  const error = await runWithOutcome(request(runsDir), (e) => (events.push(e), e.type === 'plan' && abortAll())).then(
    () => assert.fail('a run stopped before training has no result'),
    (err: unknown) => err,
  );
  assert.deepEqual(errorReply(error), { message: 'This operation was aborted', code: 'cancelled' });
  assert.ok(!events.some((e) => e.type === 'error'), 'no error event reaches the host');
  const outcome = outcomeIn(runsDir);
  assert.equal(outcome?.status, 'stopped');
  assert.equal(outcomeLine(outcome!), 'Stopped before training');
});

test('a completed run records its figures; a real failure is still a failure, with its error event', async () => {
  const okDir = tempDir('runs');
  const result = await runWithOutcome(request(okDir), () => undefined);
  const done = outcomeIn(okDir);
  assert.deepEqual(done, { status: 'completed', epochs: result.epochs, valAccuracy: result.valAccuracy, bestEpoch: result.bestEpoch });

  const badDir = tempDir('runs');
  const events: TrainEvent[] = [];
  // An unknown cut layer fails before the run folder is made: an error event, a non-cancelled code, nothing recorded.
  const error = await runWithOutcome(request(badDir, { cut: 'no-such-layer' }), (e) => events.push(e)).then(
    () => assert.fail('must fail'),
    (err: unknown) => err,
  );
  assert.notEqual(errorReply(error).code, 'cancelled');
  assert.ok(events.some((e) => e.type === 'error'), 'the failure reaches the host as an error event');
  assert.deepEqual(readdirSync(badDir), [], 'no run folder, so nothing to record');
});
