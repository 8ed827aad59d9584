// CONTRACT STUB (owner: engine-model helper). Replace the body, keep the signature.
import type { BackendName } from '../../shared/trainSpec';
import type { BackendReport } from '../../shared/events';

export interface SelectBackendOptions {
  /** A backend the user insisted on; if unavailable, selection fails with a clear error. */
  requested?: BackendName;
  /** Injected `require`, so tests can simulate missing packages and missing CUDA libraries. */
  requireFn?: (id: string) => unknown;
}

/** Picks tensorflow (tfjs-node-gpu, then tfjs-node), then wasm, then cpu, and says why each skipped one was skipped. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  void options;
  throw new Error('selectBackend: not implemented yet');
}
