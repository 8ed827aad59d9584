// Choosing the tfjs backend: tensorflow (tfjs-node-gpu, then tfjs-node),
// then webgpu on a hardware adapter, then wasm, then cpu, unless the user
// requested one. Each skipped option is reported with the reason, so "why is
// this slow" has an answer. The order is explained in the README ("Backends
// and GPUs").
import { tf } from '../tf';
import type { BackendName } from '../../shared/trainSpec';
import type { BackendReport } from '../../shared/events';
import { requireFailureReason } from './reasons';
import { activate } from './activate';
import { tryWebgpu, WEBGPU } from './webgpu';
import type { ProbeOptions } from './dawn';
import { adapterText } from '../../shared/format';
import { installWasmTrainingKernels } from './wasmGradients';
import { installWasmFastKernels } from './wasmFastKernels';
import { installWasmCopyKernels } from './wasmCopyKernels';
import { installWasmDepthwiseKernels } from './wasmDepthwiseKernels';
import { installWasmSimdKernels } from './wasmSimdKernels';
import { installWasmAffineKernels } from './wasmAffineKernels';

export interface SelectBackendOptions {
  /** A backend the user insisted on; if unavailable, selection fails with a clear error. */
  requested?: BackendName;
  /** Injected `require`, so tests can simulate missing packages and missing CUDA libraries. */
  requireFn?: (id: string) => unknown;
  /** Replaces how dawn.node is found (tests simulate a missing Vulkan loader, a broken dawn.node, a fake adapter). */
  webgpu?: ProbeOptions;
}

/** A requested backend is unavailable. One line; CLI exit code 2. */
export class BackendError extends Error {
  override name = 'BackendError';
}

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
const WASM = '@tensorflow/tfjs-backend-wasm';

type Note = { name: string; reason: string };
type Attempt = { ok: true; package: string; gpu: boolean; adapter?: BackendReport['adapter']; notes: Note[] } | { ok: false; reason: string; notes: Note[] };

/** The package that provided the `tensorflow` backend in this process (never load two native ones). */
let nativeLoaded: string | undefined;

/** Forgets which native package this process loaded. Only for tests that simulate a fresh process. */
export function resetNativeBackendForTests(): void {
  nativeLoaded = undefined;
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
    // So that wasm can also train convolutions (see wasmGradients.ts), and fast (see wasmFastKernels.ts,
    // wasmCopyKernels.ts, wasmSimdKernels.ts; the SIMD transpose first, since the fast products call it).
    installWasmTrainingKernels();
    installWasmSimdKernels();
    installWasmAffineKernels();
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

async function tryWebgpuBackend(requireFn: (id: string) => unknown, options: SelectBackendOptions): Promise<Attempt> {
  const result = await tryWebgpu({ ...options.webgpu, requireFn, allowSoftware: options.requested === 'webgpu' });
  if (!result.ok) return { ok: false, reason: result.reason, notes: [] };
  return { ok: true, package: WEBGPU, gpu: !result.adapter.software, adapter: result.adapter, notes: [] };
}

function attempt(name: BackendName, requireFn: (id: string) => unknown, options: SelectBackendOptions): Promise<Attempt> {
  if (name === 'tensorflow') return tryTensorflow(requireFn);
  if (name === 'webgpu') return tryWebgpuBackend(requireFn, options);
  if (name === 'wasm') return tryWasm(requireFn);
  return tryCpu();
}

const defaultRequire = (id: string): unknown => require(id);

/** The order `auto` tries; why, in the README's "Backends and GPUs". */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** Picks tensorflow (tfjs-node-gpu, then tfjs-node), then webgpu on a hardware adapter, then wasm, then cpu, and says why each skipped one was skipped. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  const requireFn = options.requireFn ?? defaultRequire;
  const order = options.requested ? [options.requested] : AUTO_ORDER;
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const result = await attempt(name, requireFn, options);
    if (result.ok) {
      skipped.push(...result.notes);
      return { name, package: result.package, gpu: result.gpu, ...(result.adapter && { adapter: result.adapter }), skipped };
    }
    if (options.requested) throw new BackendError(`backend '${name}' was requested but is not available: ${result.reason}`);
    if (name === 'tensorflow') skipped.push(...result.notes);
    else skipped.push({ name, reason: result.reason });
  }
  throw new BackendError(`no tfjs backend is available: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line for logs and the CLI: the backend in use and why the others were skipped. */
export function describeBackend(report: BackendReport): string {
  const head = `backend: ${report.name} (${report.package}${report.gpu ? ', GPU' : ''})${report.adapter ? ` on ${adapterText(report.adapter)}` : ''}`;
  return report.skipped.length ? `${head}; skipped ${report.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : head;
}
