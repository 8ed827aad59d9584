// The bench refuses a PyTorch peer on Debian's reference BLAS: which BLAS the
// peer's process mapped decides it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blasKind } from '../../bench/peer';

test('the BLAS the peer mapped: OpenBLAS, the reference BLAS, or neither', () => {
  assert.equal(blasKind(['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so']), 'openblas');
  assert.equal(blasKind(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0']), 'reference');
  assert.equal(blasKind([]), 'unknown');
});
