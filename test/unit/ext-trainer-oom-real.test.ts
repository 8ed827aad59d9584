// The shipped trainer bundle itself, forked with a V8 heap too small for a
// training run (24 MB: it starts and says ready, then runs out while the run
// loads tfjs and the data), is reported with advice to lower the batch size;
// the pending train request fails with that reason instead of hanging, and
// the host can start a fresh trainer that works.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TrainerProcess } from '../../src/extension/trainer/process';

const script = resolve('dist/trainer.js');

before(() => {
  // The bundle users run, built from the current sources.
  execFileSync(process.execPath, ['esbuild.mjs', '--only', 'trainer'], { stdio: 'ignore' });
});

test('the real trainer out of V8 heap mid-request: a smaller-batch hint, the request fails, and a new trainer works', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'ft-oom-'));
  try {
    const lines: string[] = [];
    let reason: string | null | undefined;
    const starved = new TrainerProcess({
      script,
      execArgv: ['--max-old-space-size=24'],
      log: (line) => lines.push(line),
      onExit: (unexpected) => (reason = unexpected),
    });
    await starved.whenReady();
    const spec = { modelDir: resolve('media/demo/model'), dataDir: resolve('media/demo/dataset'), runsDir, epochs: 1, backend: 'cpu' as const };
    const outcome = await starved.rpc.request('train', { spec: spec as never }, { timeoutMs: 60_000 }).then(
      () => 'finished',
      (error: Error) => error.message,
    );
    await starved.whenExited();
    assert.equal(starved.alive, false);
    assert.ok(reason, `an unexpected exit must carry a reason; log: ${lines.slice(-3).join(' | ')}`);
    assert.match(reason!, /ran out of memory \(JavaScript heap\)/);
    assert.match(reason!, /smaller batch size/);
    assert.match(outcome, /smaller batch size/, 'the pending train request must fail with the same reason');

    // The host carries on: a trainer with the default heap summarises the demo model.
    const healthy = new TrainerProcess({ script, log: () => undefined });
    try {
      await healthy.whenReady();
      const summary = await healthy.rpc.request('summarize', { modelDir: resolve('media/demo/model') });
      assert.ok(summary.layers.some((l) => l.name === 'conv2'), 'the fresh trainer answers');
    } finally {
      await healthy.dispose();
    }
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
