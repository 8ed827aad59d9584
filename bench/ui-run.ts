// `npm run bench:ui`: the Layers-tree and host event-loop-lag benchmarks of
// issue 4 (figures only). Options: --reps N (default 20), --skip tree,summary,lag.
import { parseArgs } from 'node:util';
import { printReport } from './report';
import { STUB_NOTE, runUiBench } from './ui-bench';

const { values } = parseArgs({ options: { reps: { type: 'string' }, skip: { type: 'string' } } });

runUiBench({ reps: values.reps ? Number(values.reps) : undefined, skip: values.skip?.split(',') })
  .then(({ rows, file }) => {
    printReport(rows);
    console.log(`\nnote: ${STUB_NOTE}`);
    console.log(`wrote ${file}`);
  })
  .catch((err: unknown) => {
    console.error(`bench:ui failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
