// The warnings a run would get, without running it: the same setup as a run
// and the LR finder (pipeline/setup.ts) up to the `warnings` it computes,
// then everything is released. No images are decoded and no run folder is
// made. The extension asks for this before Start (the Problems panel and the
// dashboard's Warnings list), so what it shows is what the run will say.
import type { RunWarning } from '../shared/warnings';
import type { BackendName, TrainSpecInput } from '../shared/trainSpec';
import type { BackendReport } from '../shared/events';
import type { selectBackend } from './backend/select';
import { tf } from './tf';
import { Owner } from './pipeline/owner';
import { parseSpec, setUpRun } from './pipeline/setup';

export async function checkRunWarnings(input: TrainSpecInput, options: { selectBackend?: typeof selectBackend } = {}): Promise<RunWarning[]> {
  const owner = new Owner();
  try {
    const spec = parseSpec(input);
    // Events are the run's to report; a check answers with its result alone.
    const setup = await setUpRun(spec, { emit: () => undefined, fromScratch: false, selectBackend: options.selectBackend ?? backendInUse }, owner);
    return setup.warnings;
  } finally {
    owner.release();
  }
}

/**
 * The check builds the cut model only to see what trains, which any backend
 * does: it keeps the one this process has, instead of probing for a GPU on
 * every check (loading CUDA or Dawn here would hold the device for nothing).
 */
async function backendInUse(): Promise<BackendReport> {
  return { name: tf.getBackend() as BackendName, package: 'in use', gpu: false, skipped: [] };
}
