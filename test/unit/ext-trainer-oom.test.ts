// A trainer process that runs out of V8 heap (a real OOM, forced by a small
// --max-old-space-size) is reported with advice to lower the batch size, and
// the host process that forked it carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { TrainerProcess } from '../../src/extension/trainer/process';

test('a trainer out of V8 heap is reported with a smaller-batch hint, and the host survives', async () => {
  const lines: string[] = [];
  let reason: string | null | undefined;
  const trainer = new TrainerProcess({
    script: resolve('test/fixtures/oom-trainer.cjs'),
    execArgv: ['--max-old-space-size=24'],
    log: (line) => lines.push(line),
    onExit: (unexpected) => (reason = unexpected),
  });
  await trainer.whenReady();
  await trainer.whenExited();
  assert.equal(trainer.alive, false);
  assert.ok(reason, `an unexpected exit must carry a reason; log: ${lines.slice(-3).join(' | ')}`);
  assert.match(reason!, /out of memory/i);
  assert.match(reason!, /smaller batch size/);
  // The host is this test process: still here, and its own event loop still runs.
  await new Promise((r) => setTimeout(r, 10));
});
