// Faults of the WebGPU device that end a run cleanly. tfjs-backend-webgpu
// watches neither `device.lost` nor uncaptured errors: after a loss its reads
// reject with an empty message, and after an out-of-memory error its buffers
// hold garbage. So the device is watched here, and every host read of a
// training loss goes through readOnHost, which turns either fault into one
// clear line at a batch boundary, before any checkpoint could be written.
import { tf } from '../tf';
import type { DawnDevice } from './dawn';

/** The GPU device went away (driver reset, GPU removed, `device.destroy()`). The last checkpoint is intact. */
export class GpuDeviceLostError extends Error {
  override name = 'GpuDeviceLostError';
}

/**
 * The GPU ran out of memory, or refused a buffer beyond one of its limits
 * (a validation error tfjs never checks): the batch's results are garbage.
 */
export class GpuOutOfMemoryError extends Error {
  override name = 'GpuOutOfMemoryError';
}

/** Any other error the device reported during a batch; its results cannot be trusted. */
export class GpuDeviceError extends Error {
  override name = 'GpuDeviceError';
}

let watched: DawnDevice | undefined;
let fault: Error | undefined;

const RESUME = 'the last checkpoint is kept; resume the run, on webgpu or another backend';

/** Starts watching the device the webgpu backend was just given; forgets any fault of an earlier device. */
export function watchDevice(device: DawnDevice): void {
  watched = device;
  fault = undefined;
  void device.lost.then((info) => {
    if (watched === device) fault ??= new GpuDeviceLostError(`GPU device lost: ${info.message || info.reason}; ${RESUME}`);
  });
  device.addEventListener('uncapturederror', (event) => {
    if (watched === device) fault ??= uncapturedFault(event.error.constructor.name, event.error.message.split('\n')[0].trim());
  });
}

function uncapturedFault(kind: string, detail: string): Error {
  if (kind === 'GPUOutOfMemoryError') return new GpuOutOfMemoryError(`GPU out of memory${detail ? ` (${detail})` : ''}: try a smaller batch size; ${RESUME}`);
  // e.g. "Binding size (134218752) is larger than the maximum binding size (134217728)."
  if (/(exceeds|larger than) the max/i.test(detail)) return new GpuOutOfMemoryError(`a tensor is larger than the GPU allows (${detail}): try a smaller batch size; ${RESUME}`);
  return new GpuDeviceError(`GPU error (${kind}): ${detail || 'no message'}; ${RESUME}`);
}

/**
 * Throws the fault the watched device reported, if any, while webgpu is the
 * active backend: a run resumed on another backend in the same process never
 * touches the lost device.
 */
export function throwIfGpuFaulted(): void {
  if (fault && tf.getBackend() === 'webgpu') throw fault;
}

/**
 * Awaits a read of device data (`tensor.data()`). A read that fails, or
 * succeeds after the device reported a fault, throws that fault instead:
 * a lost device's reads reject with no message at all.
 */
export async function readOnHost<T>(read: () => Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await read();
  } catch (err) {
    // device.lost settles in the same turn as the failed read, possibly just after it.
    await new Promise((resolve) => setImmediate(resolve));
    throwIfGpuFaulted();
    throw err;
  }
  throwIfGpuFaulted();
  return value;
}
