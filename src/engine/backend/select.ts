// Choosing the tfjs backend: tensorflow (tfjs-node-gpu, then tfjs-node),
// then wasm, then cpu, unless the user requested one. Each skipped option is
// reported with the reason, so "why is this slow" has an answer.
import { tf } from '../tf';
import type { BackendName } from '../../shared/trainSpec';
import type { BackendReport } from '../../shared/events';
import { requireFailureReason } from './reasons';
import { installWasmTrainingKernels } from './wasmGradients';
import { installWasmFastKernels } from './wasmFastKernels';
import { installWasmCopyKernels } from './wasmCopyKernels';
import { installWasmDepthwiseKernels } from './wasmDepthwiseKernels';

export interface SelectBackendOptions {
  /** A backend the user insisted on; if unavailable, selection fails with a clear error. */
  requested?: BackendName;
  /** Injected `require`, so tests can simulate missing packages and missing CUDA libraries. */
  requireFn?: (id: string) => unknown;
}

/** A requested backend is unavailable. One line; CLI exit code 2. */
export class BackendError extends Error {
  override name = 'BackendError';
}

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
const WASM = '@tensorflow/tfjs-backend-wasm';

type Attempt = { ok: true; package: string; gpu: boolean; notes: { name: string; reason: string }[] } | { ok: false; reason: string; notes: { name: string; reason: string }[] };

/** The package that provided the `tensorflow` backend in this process (never load two native ones). */
let nativeLoaded: string | undefined;

/** Forgets which native package this process loaded. Only for tests that simulate a fresh process. */
export function resetNativeBackendForTests(): void {
  nativeLoaded = undefined;
}

/** Switches to `name` and proves it computes (1 + 2 = 3). */
async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (sum !== 3) throw new Error(`the ${name} backend computed 1 + 2 = ${sum}`);
}

function isUsingGpu(): boolean {
  return (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

async function tryTensorflow(requireFn: (id: string) => unknown): Promise<Attempt> {
  const notes: { name: string; reason: string }[] = [];
  // Before the native library loads: otherwise TensorFlow reserves all GPU memory up front.
  process.env.TF_FORCE_GPU_ALLOW_GROWTH = 'true';
  const candidates = nativeLoaded ? [nativeLoaded] : NATIVE;
  for (const pkg of candidates) {
    try {
      if (!tf.findBackend('tensorflow')) requireFn(pkg);
    } catch (e) {
      notes.push({ name: `tensorflow (${pkg})`, reason: requireFailureReason(pkg, e) });
      continue;
    }
    // Loaded: from here on, never load the other native package into this process.
    nativeLoaded = pkg;
    try {
      if (!tf.findBackend('tensorflow')) throw new Error("it registered no 'tensorflow' backend with this tfjs (a second copy of @tensorflow/tfjs-core?)");
      await activate('tensorflow');
    } catch (e) {
      const reason = `${pkg} loaded but failed: ${requireFailureReason(pkg, e)}`;
      notes.push({ name: `tensorflow (${pkg})`, reason });
      return { ok: false, reason, notes };
    }
    const gpu = isUsingGpu();
    if (pkg === NATIVE[0] && !gpu) notes.push({ name: 'tensorflow (GPU)', reason: 'GPU not visible, so isUsingGpuDevice is false: tfjs-node-gpu runs on the CPU' });
    return { ok: true, package: pkg, gpu, notes };
  }
  return { ok: false, reason: notes.map((n) => `${n.name}: ${n.reason}`).join('; '), notes };
}

async function tryWasm(requireFn: (id: string) => unknown): Promise<Attempt> {
  try {
    if (!tf.findBackend('wasm')) requireFn(WASM);
    await activate('wasm');
    // So that wasm can also train convolutions (see wasmGradients.ts), and fast (see wasmFastKernels.ts, wasmCopyKernels.ts).
    installWasmTrainingKernels();
    installWasmFastKernels();
    installWasmCopyKernels();
    installWasmDepthwiseKernels();
    return { ok: true, package: WASM, gpu: false, notes: [] };
  } catch (e) {
    return { ok: false, reason: requireFailureReason(WASM, e), notes: [] };
  }
}

async function tryCpu(): Promise<Attempt> {
  try {
    await activate('cpu');
    return { ok: true, package: '@tensorflow/tfjs-backend-cpu', gpu: false, notes: [] };
  } catch (e) {
    return { ok: false, reason: requireFailureReason('@tensorflow/tfjs-backend-cpu', e), notes: [] };
  }
}

function attempt(name: BackendName, requireFn: (id: string) => unknown): Promise<Attempt> {
  if (name === 'tensorflow') return tryTensorflow(requireFn);
  if (name === 'wasm') return tryWasm(requireFn);
  return tryCpu();
}

const defaultRequire = (id: string): unknown => require(id);

/** Picks tensorflow (tfjs-node-gpu, then tfjs-node), then wasm, then cpu, and says why each skipped one was skipped. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  const requireFn = options.requireFn ?? defaultRequire;
  const order: BackendName[] = options.requested ? [options.requested] : ['tensorflow', 'wasm', 'cpu'];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const result = await attempt(name, requireFn);
    if (result.ok) {
      skipped.push(...result.notes);
      return { name, package: result.package, gpu: result.gpu, skipped };
    }
    if (options.requested) throw new BackendError(`backend '${name}' was requested but is not available: ${result.reason}`);
    if (name === 'tensorflow') skipped.push(...result.notes);
    else skipped.push({ name, reason: result.reason });
  }
  throw new BackendError(`no tfjs backend is available: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line for logs and the CLI: the backend in use and why the others were skipped. */
export function describeBackend(report: BackendReport): string {
  const head = `backend: ${report.name} (${report.package}${report.gpu ? ', GPU' : ''})`;
  return report.skipped.length ? `${head}; skipped ${report.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : head;
}
