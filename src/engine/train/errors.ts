import { tf } from '../tf';

/** A one-line problem with the run's inputs (unknown layer, empty validation set, …). CLI exit code 2. */
export class TrainSetupError extends Error {
  override name = 'TrainSetupError';
}

/** The loss became NaN or Infinity: training diverged. Names where, so the user can lower the learning rate. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly epoch: number,
    readonly batch: number,
    loss: number,
  ) {
    super(`training diverged: the loss became ${loss} at epoch ${epoch}, batch ${batch}; try a lower learning rate (checkpoints from earlier epochs are untouched)`);
  }
}

/** The wasm heap ran out (or a plan says it would): one line with advice, instead of "Aborted()". */
export class HeapExhaustedError extends Error {
  override name = 'HeapExhaustedError';
}

/**
 * How the tfjs wasm backend fails when its heap cannot grow: malloc returns 0,
 * so the next view of the heap is too long ("Invalid typed array length", a
 * RangeError) or the next write traps ("memory access out of bounds"), or the
 * module aborts ("Aborted()"). After any of them the module is unusable, so
 * the run ends here. A training thread's failure comes prefixed with the
 * thread's role ("a training thread: Aborted()…", parallel/trainPool.ts).
 */
const WASM_HEAP_FAILURE = /(^|: )Aborted\(|memory access out of bounds|Invalid typed array length|Array buffer allocation failed|WebAssembly\.Memory/;

/** On the wasm backend, a heap failure becomes a HeapExhaustedError with advice; any other error is returned as it is. */
export function explainHeapFailure(err: unknown, backend = tf.getBackend()): unknown {
  if (backend !== 'wasm' || !(err instanceof Error) || err instanceof HeapExhaustedError || !WASM_HEAP_FAILURE.test(err.message)) return err;
  return new HeapExhaustedError(
    `the wasm backend ran out of memory (its heap stops at 4 GiB): lower the batch size (--batch, or the dashboard's batch size) or train fewer layers; the checkpoints of finished epochs are kept (wasm said: ${errorLine(err)})`,
  );
}

/** The first line of an error's message, for one-line reports. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 500);
}

/**
 * Whether an error is the run being cancelled rather than failing: the
 * AbortError that Stop raises while images are decoded or features extracted
 * (a Stop during training ends the loop instead, with no error).
 */
export function isCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
