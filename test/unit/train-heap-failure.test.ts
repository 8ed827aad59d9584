// A real wasm heap failure mid-run (forced by allocating past 4 GiB at the
// start of epoch 2, in a child process: a failed wasm module stays dead) is a
// one-line error with advice, never "Aborted()" or "memory access out of
// bounds" alone, and the checkpoint of epoch 1 stays on disk and reads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCheckpoint } from '../../src/engine/run/checkpoint';
import { RunDir } from '../../src/engine/run/runDir';
import { HeapExhaustedError, explainHeapFailure } from '../../src/engine/train/errors';

test('the wasm heap exhausted at epoch 2: a clear error with advice, and the epoch 1 checkpoint kept', () => {
  const work = mkdtempSync(join(tmpdir(), 'ft-heap-'));
  try {
    const runsDir = join(work, 'runs');
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', resolve('test/helpers/heapFailureRun.ts'), work, runsDir], { encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    const outcome = lines.at(-1)!;
    assert.equal(outcome.finished, undefined, 'the forced failure must happen');
    assert.equal(outcome.name, 'HeapExhaustedError');
    assert.match(outcome.cli.line, /^finetune: the wasm backend ran out of memory \(its heap stops at 4 GiB\): lower the batch size \(--batch, or the dashboard's batch size\) or train fewer layers; the checkpoints of finished epochs are kept \(wasm said: .+\)$/);
    assert.equal(outcome.cli.code, 1);
    const errorEvent = lines.find((l) => l.event?.type === 'error')!.event;
    assert.equal(errorEvent.message, outcome.cli.line.replace(/^finetune: /, ''), 'the dashboard gets the same line');
    assert.ok(lines.some((l) => l.event?.type === 'epoch' && l.event.epoch === 1), 'epoch 1 finished before the failure');
    const [name] = readdirSync(runsDir);
    const runDir = RunDir.open(join(runsDir, name));
    const last = readCheckpoint(join(runDir.checkpointsDir, 'last'), runDir.specHash());
    assert.equal(last.state.epoch, 1);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('only wasm failures on the wasm backend are explained; other errors pass unchanged', () => {
  const trap = new Error('memory access out of bounds');
  assert.ok(explainHeapFailure(new RangeError('Invalid typed array length: 536869888'), 'wasm') instanceof HeapExhaustedError);
  assert.ok(explainHeapFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.'), 'wasm') instanceof HeapExhaustedError);
  assert.equal(explainHeapFailure(trap, 'cpu'), trap);
  const other = new RangeError('Maximum call stack size exceeded');
  assert.equal(explainHeapFailure(other, 'wasm'), other);
});
