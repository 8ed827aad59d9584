// The trainer's sweep requests: the engine's sweep with its events sent to
// the host, member batch events throttled like a single run's.
import type { SweepEvent } from '../shared/sweep';
import type { SweepRequestParams } from '../shared/protocol/trainer';
import { resumeSweep, runSweep } from '../engine/sweep/runSweep';
import { throttleBatches } from './eventThrottle';

/** Sweep events with each member's batch events throttled (one throttle per member, flushed before anything else). */
function throttledSweepEvents(emit: (event: SweepEvent) => void) {
  let current: { id: string; events: ReturnType<typeof throttleBatches> } | null = null;
  const flush = () => current?.events.flush();
  const push = (event: SweepEvent) => {
    if (event.type !== 'run') {
      flush();
      emit(event);
      return;
    }
    if (current?.id !== event.id) {
      flush();
      const id = event.id;
      current = { id, events: throttleBatches((e) => emit({ type: 'run', id, event: e })) };
    }
    current.events.push(event.event);
  };
  return { push, flush };
}

export async function sweep(
  params: { kind: 'start'; request: SweepRequestParams } | { kind: 'resume'; dir: string },
  emit: (event: SweepEvent) => void,
  signal: AbortSignal,
): Promise<{ dir: string; cancelled: boolean }> {
  const events = throttledSweepEvents(emit);
  try {
    const options = { onEvent: events.push, signal };
    const outcome = params.kind === 'start' ? await runSweep(params.request, options) : await resumeSweep(params.dir, options);
    return { dir: outcome.dir, cancelled: outcome.cancelled };
  } finally {
    events.flush();
  }
}
