// Injected disk faults: a clear one-line error, the previous checkpoint
// survives, and no temp folders are left behind.
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs, { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { runTraining } from '../../src/engine/runTraining';
import { OutputError } from '../../src/engine/run/atomic';
import type { TrainSpecInput } from '../../src/shared/trainSpec';
import { cpuBackend, PRE, tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
const realWriteFileSync = fs.writeFileSync;
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('fault-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('fault-data'), 'bands'));
});
afterEach(() => {
  fs.writeFileSync = realWriteFileSync;
});

const spec = (runsDir: string): TrainSpecInput => ({ modelDir, dataDir, runsDir, preprocessing: PRE, epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 2 });

test('a runs folder that is a file is a clear error', async () => {
  const file = join(tempDir('fault-file'), 'runs');
  writeFileSync(file, 'not a folder');
  await assert.rejects(runTraining(spec(file), { onEvent: () => {}, selectBackend: cpuBackend }), (err: Error) => {
    assert.ok(err instanceof OutputError);
    assert.match(err.message, /^cannot write run folder in .*runs: a file is in the way where a folder should be \((ENOTDIR|EEXIST)\)$/);
    return true;
  });
});

test('disk full while writing the epoch 2 checkpoint: clear error, epoch 1 checkpoint intact, no temp folders', async () => {
  const runs = tempDir('fault-enospc');
  let epoch = 0;
  // The checkpoint folder writer uses fs.writeFileSync for each file; fail the second epoch's.
  fs.writeFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (epoch === 2 && String(path).includes(`${join('checkpoints', '.last.tmp-')}`)) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (realWriteFileSync as (...a: unknown[]) => void)(path, ...rest);
  }) as typeof fs.writeFileSync;
  await assert.rejects(
    runTraining(spec(runs), { onEvent: (e) => void (e.type === 'epoch' && (epoch = e.epoch)), selectBackend: cpuBackend }),
    /^OutputError: cannot write folder .*last: no space left on device \(ENOSPC\)$/,
  );
  fs.writeFileSync = realWriteFileSync;
  const [run] = readdirSync(runs);
  const checkpoints = join(runs, run, 'checkpoints');
  assert.deepEqual(readdirSync(checkpoints).sort(), ['best', 'last']);
  assert.equal(JSON.parse(readFileSync(join(checkpoints, 'last', 'state.json'), 'utf8')).epoch, 1);
});
