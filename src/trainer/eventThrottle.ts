// Keeps batch events to about 8 a second on the IPC channel. Only the latest
// batch of a burst is sent, and a pending one is flushed before any other
// event, so the host never sees an epoch end before that epoch's last batch.
import type { TrainEvent } from '../shared/events';

export function throttleBatches(send: (event: TrainEvent) => void, intervalMs = 125, now: () => number = Date.now) {
  let last = -Infinity;
  let pending: TrainEvent | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) {
      const event = pending;
      pending = null;
      last = now();
      send(event);
    }
  };
  const push = (event: TrainEvent) => {
    if (event.type !== 'batch') {
      flush();
      send(event);
      return;
    }
    pending = event;
    const wait = intervalMs - (now() - last);
    if (wait <= 0) flush();
    else if (!timer) timer = setTimeout(flush, wait);
  };
  return { push, flush };
}
