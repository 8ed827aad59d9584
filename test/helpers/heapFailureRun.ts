// Child process for train-heap-failure.test.ts: a real run on the wasm
// backend whose heap is exhausted for real at the first batch of epoch 2
// (a callback allocates 2 GiB tensors until wasm fails). A dead wasm module
// cannot be used again, hence a process of its own. Prints the CLI's error
// line and the events as JSON lines.
import { runTraining } from '../../src/engine/runTraining';
import { describeError } from '../../src/cli/errors';
import { tf } from '../../src/engine/tf';
import { PRE, writeBaseModel, writeDataset } from '../unit/run-fixtures';

async function main(): Promise<void> {
  const [work, runsDir] = process.argv.slice(2);
  const modelDir = await writeBaseModel(`${work}/base`);
  const dataDir = await writeDataset(`${work}/bands`);
  const exhaustHeap = {
    onBatchBegin: (info: { epoch: number }) => {
      if (info.epoch < 2) return;
      const held: tf.Tensor[] = [];
      for (let i = 0; i < 4; i++) held.push(tf.fill([2 ** 29 - 1024], 1));
    },
  };
  try {
    await runTraining(
      { modelDir, dataDir, runsDir, preprocessing: PRE, epochs: 3, batchSize: 8, validationSplit: 0.25, seed: 2, backend: 'wasm' },
      { onEvent: (e) => console.log(JSON.stringify({ event: e })), callbacks: [exhaustHeap] },
    );
    console.log(JSON.stringify({ finished: true }));
  } catch (err) {
    console.log(JSON.stringify({ cli: describeError(err), name: (err as Error).name }));
  }
}

void main();
