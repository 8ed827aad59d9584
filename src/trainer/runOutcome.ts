// A training or resume request, with how it ended recorded in the run folder
// (outcome.json) and a Stop kept apart from a failure. This is the boundary
// between the engine and the host: the engine reports an abort during decoding
// or feature extraction as an error (an AbortError, plus an `error` event);
// here it becomes what it is, a stop before training, so the host shows no
// failure and the Runs view says "Stopped before training".
import type { TrainEvent } from '../shared/events';
import type { ResultOf, TrainerRequest } from '../shared/protocol/trainer';
import { isCancellation } from '../engine/train/errors';
import { runFolderSince, writeOutcome } from '../engine/run/outcome';
import { outcomeOf, unsavedOutcome, type RunOutcome } from '../shared/runOutcome';
import { throttleBatches } from './eventThrottle';
import { resume, train } from './engineRuns';
import { running } from './aborts';

type RunRequest = Extract<TrainerRequest, { method: 'train' | 'resume' }>;

export async function runWithOutcome(request: RunRequest, emit: (event: TrainEvent) => void): Promise<ResultOf<'train'>> {
  const controller = new AbortController();
  running.add(controller);
  const startedAt = Date.now();
  const events = throttleBatches(emit);
  // The engine announces a failure as an `error` event just before it throws;
  // hold it until the throw says whether it was a Stop.
  let failure: TrainEvent | null = null;
  const onEvent = (event: TrainEvent) => {
    if (event.type === 'error') failure = event;
    else events.push(event);
  };
  const options = { onEvent, signal: controller.signal };
  try {
    const result = await (request.method === 'train' ? train(request.params.spec, options) : resume(request.params.runDir, options));
    record(result.runDir, outcomeOf(result));
    return result;
  } catch (error) {
    const stopped = controller.signal.aborted && isCancellation(error);
    if (!stopped && failure) events.push(failure);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    // A resume that did not get going leaves its folder as it was: interrupted, and resumable again.
    const folder = request.method === 'train' ? runFolderSince(request.params.spec.runsDir, startedAt, request.params.spec.name) : null;
    if (folder) record(folder, stopped ? unsavedOutcome('stopped') : unsavedOutcome('failed', message));
    throw error;
  } finally {
    events.flush();
    running.delete(controller);
  }
}

/** Best effort: a run folder we cannot write to must not turn a result into an error. */
function record(folder: string, outcome: RunOutcome): void {
  try {
    writeOutcome(folder, outcome);
  } catch {
    // the Runs view then judges the folder by its files, as before
  }
}
