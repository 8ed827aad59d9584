// Finding a WebGPU adapter through Dawn (the `webgpu` npm package, which ships
// one prebuilt dawn.node per platform), before any tfjs code sees it. Each
// way this can fail is turned into one line a user can act on.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { AdapterInfo } from '../../shared/events';

/** The parts of a Dawn GPUAdapter this engine reads (kept structural: no DOM types in the engine). */
export interface DawnAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  readonly features: { has(name: string): boolean };
  requestDevice(descriptor?: object): Promise<DawnDevice>;
}

export interface DawnDevice {
  readonly lost: Promise<{ reason: string; message: string }>;
  addEventListener(type: 'uncapturederror', listener: (event: { error: { message: string; constructor: { name: string } } }) => void): void;
  destroy(): void;
}

/** What `import('webgpu')` gives: `create(flags)` returns a `navigator.gpu`, `globals` holds GPUBufferUsage and the rest. */
export interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}

/**
 * Limits below which tfjs-backend-webgpu's shaders cannot run: its matmul and
 * convolution programs use 256-invocation workgroups with up to 16 KiB of
 * workgroup memory and bind up to 8 storage buffers. Full WebGPU guarantees
 * these; compatibility-mode adapters (old GLES or D3D11 drivers) may not.
 */
export const REQUIRED_LIMITS: Readonly<Record<string, number>> = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxStorageBuffersPerShaderStage: 8,
};

export type AdapterProbe = { ok: true; adapter: DawnAdapter; info: AdapterInfo; gpu: ReturnType<DawnModule['create']> } | { ok: false; reason: string };

export interface ProbeOptions {
  /** Replaces `import('webgpu')` (tests simulate a broken dawn.node or a fake adapter). */
  loadDawn?: () => Promise<DawnModule>;
  /** Folders searched for the Vulkan loader on Linux; default: LD_LIBRARY_PATH and the usual lib folders. */
  libraryDirs?: string[];
}

const LINUX_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib'];

/** The folder holding the Vulkan loader (libvulkan.so.1), or undefined. Dawn gives no reason when it cannot dlopen it. */
export function findVulkanLoader(dirs: string[] = defaultLibraryDirs()): string | undefined {
  return dirs.find((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

function defaultLibraryDirs(): string[] {
  return [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), ...LINUX_LIB_DIRS];
}

/**
 * Dawn's Vulkan backend reaches the display server's runtime folder and logs
 * an error when XDG_RUNTIME_DIR is unset (headless machines, CI, some
 * services). A private empty folder (mode 0700, as the spec requires) silences
 * it without changing what Dawn finds.
 */
export function ensureRuntimeDir(): void {
  if (process.platform === 'linux' && !process.env.XDG_RUNTIME_DIR) {
    process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'finetune-xdg-'));
  }
}

export function adapterInfo(adapter: DawnAdapter): AdapterInfo {
  const i = adapter.info;
  const software = i.architecture === 'software' || i.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, software };
}

/** The first limit the adapter falls short of, as a reason; undefined when all are met. */
export function missingLimit(adapter: DawnAdapter): string | undefined {
  for (const [name, needed] of Object.entries(REQUIRED_LIMITS)) {
    const has = adapter.limits[name];
    if (typeof has !== 'number' || has < needed) return `the adapter lacks a required limit: ${name} is ${has ?? 'missing'}, tfjs needs ${needed}`;
  }
  return undefined;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim() || 'no message';
}

/** Loads dawn.node and asks it for the high-performance adapter; says in one line why there is none. */
export async function probeAdapter(options: ProbeOptions = {}): Promise<AdapterProbe> {
  let dawn: DawnModule;
  try {
    dawn = await (options.loadDawn ?? loadWebgpuPackage)();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    return { ok: false, reason: missing ? 'package not installed' : `dawn.node failed to load: ${firstLine(e)}` };
  }
  // dawn.node loads without Vulkan (it opens the loader lazily) and then finds no adapter without saying why.
  if (process.platform === 'linux' && !findVulkanLoader(options.libraryDirs)) {
    return { ok: false, reason: 'the Vulkan loader (libvulkan.so.1) is missing: install libvulkan1 and a Vulkan driver' };
  }
  ensureRuntimeDir();
  try {
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      const hint = process.platform === 'linux' ? ' (no Vulkan driver that Dawn accepts: install mesa-vulkan-drivers 25 or newer, or your GPU vendor\u2019s driver)' : '';
      return { ok: false, reason: `no WebGPU adapter was found${hint}` };
    }
    provideNavigatorGpu(dawn, gpu);
    return { ok: true, adapter, info: adapterInfo(adapter), gpu };
  } catch (e) {
    return { ok: false, reason: `Dawn failed to enumerate adapters: ${firstLine(e)}` };
  }
}

/**
 * tfjs-backend-webgpu reads `navigator.gpu` and the GPU* constants as
 * globals when it loads, and crashes under Node without them (tfjs #8066).
 * Node 21+ has a `navigator` object; Node 20 has none.
 */
function provideNavigatorGpu(dawn: DawnModule, gpu: unknown): void {
  const g = globalThis as { navigator?: object };
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
}

/** The `webgpu` package is an ES module (it finds dawn.node through import.meta.url), so it is imported, never bundled. */
function loadWebgpuPackage(): Promise<DawnModule> {
  return import('webgpu') as unknown as Promise<DawnModule>;
}
