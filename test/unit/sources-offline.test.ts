// Issue 15: offline, a download says so in the user's words, not as a
// resolver error code, and the host adds that the model is not in the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullModel } from '../../src/engine/sources/resolve';
import { ModelFileError } from '../../src/engine/model/modelFileError';
import { errorReply } from '../../src/trainer/errors';
import { describeError } from '../../src/cli/errors';

test('a host that cannot be resolved is "No internet connection", code offline, still bad input for the CLI', async () => {
  // `.invalid` never resolves (RFC 6761), with or without a network.
  const url = 'https://models.example.invalid/m/model.json';
  const error = await pullModel(url, { cacheDir: mkdtempSync(join(tmpdir(), 'ft-offline-')), env: {} }).then(
    () => assert.fail('cannot download from an unresolvable host'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof ModelFileError);
  assert.deepEqual(errorReply(error), { message: 'No internet connection: could not reach models.example.invalid', code: 'offline' });
  assert.doesNotMatch((error as Error).message, /ENOTFOUND|getaddrinfo/);
  assert.equal(describeError(error).code, 2);
});
