// The webgpu backend on this machine's adapter, for the backend-webgpu* tests.
// CI installs Mesa's Vulkan drivers, so the adapter there is llvmpipe (a
// software one): every test forces webgpu by name. Under CI=true a missing
// adapter fails the test; on a developer's machine without Vulkan the test
// skips and says why, in one line.
import type { TestContext } from 'node:test';
import { BackendError, selectBackend } from '../../src/engine/backend/select';
import type { BackendReport } from '../../src/shared/events';

/** Selects webgpu (a fresh device each time); undefined when the test was skipped because there is none. */
export async function webgpuOrSkip(t: TestContext): Promise<BackendReport | undefined> {
  try {
    return await selectBackend({ requested: 'webgpu' });
  } catch (err) {
    if (!(err instanceof BackendError) || process.env.CI === 'true') throw err;
    t.skip(`no webgpu here: ${err.message}`);
    return undefined;
  }
}

/** For `runTraining({ selectBackend })`: webgpu, forced; throws (never skips) when it is gone. */
export const forceWebgpu = () => selectBackend({ requested: 'webgpu' });
