// The abort controllers of running trainings and downloads: `stop` fires them.
export const running = new Set<AbortController>();

/** Aborts everything running; true when something was. */
export function abortAll(): boolean {
  for (const c of running) c.abort();
  return running.size > 0;
}
