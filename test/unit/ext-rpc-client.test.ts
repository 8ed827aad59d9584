// The host's trainer client: replies matched by id and validated per method,
// events routed to their request, timeouts, and a dead transport failing
// every pending request instead of leaving it hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient, TrainerRequestError } from '../../src/extension/trainer/rpcClient';
import type { TrainEvent } from '../../src/shared/events';
import { demoSummary } from './ext-fixtures';

function harness() {
  const sent: { id: number; method: string; params: unknown }[] = [];
  const invalid: string[] = [];
  const client = new RpcClient((m) => sent.push(m as (typeof sent)[number]), (p) => invalid.push(p));
  return { client, sent, invalid };
}

test('a reply resolves its request with the validated result', async () => {
  const { client, sent } = harness();
  const pending = client.request('summarize', { modelDir: '/m' });
  assert.deepEqual(sent[0], { id: 1, method: 'summarize', params: { modelDir: '/m' } });
  client.receive({ inReplyTo: 1, result: demoSummary() });
  assert.equal((await pending).layers.length, 8);
  assert.equal(client.inFlight, 0);
});

test('an error reply rejects with the trainer message and code', async () => {
  const { client } = harness();
  const pending = client.request('summarize', { modelDir: '/m' });
  client.receive({ inReplyTo: 1, error: { message: 'model.json: not found', code: 'modelFile' } });
  await assert.rejects(pending, (e: unknown) => e instanceof TrainerRequestError && e.code === 'modelFile' && /not found/.test(e.message));
});

test('a malformed result is an error, not a wrong value', async () => {
  const { client } = harness();
  const pending = client.request('summarize', { modelDir: '/m' });
  client.receive({ inReplyTo: 1, result: { layers: 'many' } });
  await assert.rejects(pending, /malformed/);
});

test('events reach the onEvent of their own request; junk is reported and dropped', async () => {
  const { client, invalid } = harness();
  const events: TrainEvent[] = [];
  const pending = client.request('stop', {}, { onEvent: (e) => events.push(e) });
  client.receive({ method: 'event', params: { requestId: 1, event: { type: 'log', level: 'info', message: 'hi' } } });
  client.receive({ method: 'event', params: { requestId: 99, event: { type: 'log', level: 'info', message: 'other' } } });
  client.receive({ method: 'event', params: { requestId: 1, event: { type: 'bogus' } } });
  client.receive('garbage');
  client.receive({ inReplyTo: 1, result: { stopping: true } });
  assert.deepEqual(await pending, { stopping: true });
  assert.equal(events.length, 1);
  assert.equal(invalid.length, 2);
});

test('requests time out, and a late reply is ignored', async () => {
  const { client } = harness();
  const pending = client.request('summarize', { modelDir: '/m' }, { timeoutMs: 20 });
  await assert.rejects(pending, (e: unknown) => e instanceof TrainerRequestError && e.code === 'timeout');
  client.receive({ inReplyTo: 1, result: demoSummary() }); // must not throw
  assert.equal(client.inFlight, 0);
});

test('closing fails every pending request and every later one', async () => {
  const { client } = harness();
  const a = client.request('summarize', { modelDir: '/m' });
  const b = client.request('train', { spec: { modelDir: '/m', dataDir: '/d', runsDir: '/r' } as never }, { timeoutMs: null });
  client.close(new Error('The trainer process was killed by SIGKILL'));
  await assert.rejects(a, /SIGKILL/);
  await assert.rejects(b, /SIGKILL/);
  await assert.rejects(client.request('stop', {}), /SIGKILL/);
});
