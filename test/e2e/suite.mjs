// The E2E suite, run by run.mjs as `node --test suite.mjs`. One code-server
// and one Chromium serve every scenario file in scenarios/ (imported inside
// the describe below, so their tests run between its before and after); the
// last test checks that stopping them left no process behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scenariosDir } from './lib/paths.mjs';
import { startSession, stopSession, survivors, startedGroups } from './lib/session.mjs';
import { describe as describeProcesses } from './lib/processes.mjs';

const filter = process.env.FINETUNE_E2E_FILTER;
const scenarioFiles = readdirSync(scenariosDir)
  .filter((name) => name.endsWith('.test.mjs') && (!filter || name.includes(filter)))
  .sort();

describe('E2E in code-server', async () => {
  before(startSession, { timeout: 180_000 });
  after(stopSession, { timeout: 60_000 });
  for (const name of scenarioFiles) await import(pathToFileURL(join(scenariosDir, name)).href);
});

test('no process the suite started is still alive', () => {
  assert.ok(startedGroups.size >= 2, 'the suite should have started code-server and Chromium');
  const left = survivors();
  assert.deepEqual(left, [], `still running:\n${describeProcesses(left)}`);
});
