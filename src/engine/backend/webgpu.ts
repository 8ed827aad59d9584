// The webgpu backend: @tensorflow/tfjs-backend-webgpu on Dawn (dawn.node from
// the `webgpu` package), on Vulkan, Metal or D3D12. The adapter is chosen and
// checked here (dawn.ts) before tfjs sees it; tfjs' own factory is replaced by
// one that uses that adapter, so the device it creates can be watched for
// loss and out-of-memory errors (gpuFaults.ts).
import { tf } from '../tf';
import type { AdapterInfo } from '../../shared/events';
import { missingLimit, probeAdapter, type DawnAdapter, type ProbeOptions } from './dawn';
import { watchDevice } from './gpuFaults';
import { activate } from './activate';
import { requireFailureReason } from './reasons';
import { adapterText } from '../../shared/format';

export const WEBGPU = '@tensorflow/tfjs-backend-webgpu';

export interface WebgpuOptions extends ProbeOptions {
  /** `auto` skips a software adapter (llvmpipe, SwiftShader): it is used only when asked for by name. */
  allowSoftware: boolean;
  requireFn: (id: string) => unknown;
}

export type WebgpuAttempt = { ok: true; adapter: AdapterInfo } | { ok: false; reason: string };

type BackendClass = new (device: unknown, adapterInfo: unknown) => tf.KernelBackend;

/** Finds an adapter, checks it, and makes `webgpu` the active tfjs backend on it; or says in one line why not. */
export async function tryWebgpu(options: WebgpuOptions): Promise<WebgpuAttempt> {
  const probe = await probeAdapter(options);
  if (!probe.ok) return probe;
  const { adapter, info } = probe;
  if (info.software && !options.allowSoftware) {
    return { ok: false, reason: `only a software adapter was found (${adapterText(info)}); it is used only when asked for by name (--backend webgpu)` };
  }
  const lacking = missingLimit(adapter);
  if (lacking) return { ok: false, reason: lacking };
  let WebGPUBackend: BackendClass;
  try {
    // navigator.gpu is set by now (probeAdapter), so the package loads under Node.
    ({ WebGPUBackend } = options.requireFn(WEBGPU) as { WebGPUBackend: BackendClass });
  } catch (e) {
    return { ok: false, reason: requireFailureReason(WEBGPU, e) };
  }
  const factory = register(adapter, WebGPUBackend);
  try {
    await activate('webgpu');
  } catch (e) {
    // tf.setBackend only says "failed to initialise"; the factory kept the cause.
    const cause = factory.failure ?? e;
    return { ok: false, reason: `initialisation failed on ${adapterText(info)}: ${(cause instanceof Error ? cause.message : String(cause)).split('\n')[0]}` };
  }
  return { ok: true, adapter: info };
}

/**
 * Replaces the factory the package registered at load (it would ask Dawn for
 * an adapter again, unchecked) and any instance left from an earlier device,
 * e.g. one that was lost: a resumed run then gets a fresh device.
 */
function register(adapter: DawnAdapter, WebGPUBackend: BackendClass): { failure?: unknown } {
  const outcome: { failure?: unknown } = {};
  try {
    tf.removeBackend('webgpu');
  } catch {
    // Nothing registered under that name yet.
  }
  tf.registerBackend(
    'webgpu',
    async () => {
      try {
        return await createBackend(adapter, WebGPUBackend);
      } catch (e) {
        outcome.failure = e;
        throw e;
      }
    },
    // Lowest priority: only an explicit setBackend('webgpu') ever selects it.
    0,
  );
  return outcome;
}

async function createBackend(adapter: DawnAdapter, WebGPUBackend: BackendClass): Promise<tf.KernelBackend> {
  const limits = adapter.limits;
  // The same limits tfjs' own factory asks for: as large as the adapter allows.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  watchDevice(device);
  return new WebGPUBackend(device, adapter.info);
}
