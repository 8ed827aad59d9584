// Lets concurrent pulls of the same model share one download. Each caller
// keeps its own AbortSignal and progress callback: one caller cancelling
// stops waiting for itself only, and the download is aborted when the last
// caller has gone.
import { DownloadCancelledError } from './fetch';

interface Waiter<P> {
  onProgress?: (progress: P) => void;
}

interface Flight<T, P> {
  promise: Promise<T>;
  waiters: Set<Waiter<P>>;
  controller: AbortController;
}

export class SharedFlights<T, P> {
  private readonly flights = new Map<string, Flight<T, P>>();

  /** Number of downloads in progress (for tests and diagnostics). */
  get size(): number {
    return this.flights.size;
  }

  /** Joins the flight for `key`, starting it with `start` when none is in progress. */
  join(
    key: string,
    start: (signal: AbortSignal, onProgress: (progress: P) => void) => Promise<T>,
    options: { signal?: AbortSignal; onProgress?: (progress: P) => void } = {},
  ): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(new DownloadCancelledError());
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const waiters = new Set<Waiter<P>>();
      const fanOut = (progress: P) => waiters.forEach((w) => w.onProgress?.(progress));
      const promise = start(controller.signal, fanOut).finally(() => this.flights.delete(key));
      flight = { promise, waiters, controller };
      this.flights.set(key, flight);
    }
    const current = flight;
    const waiter: Waiter<P> = { onProgress: options.onProgress };
    current.waiters.add(waiter);
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        current.waiters.delete(waiter);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        if (current.waiters.size > 0) return reject(new DownloadCancelledError());
        // The last caller: abort the download and settle once its temp folder is gone.
        current.controller.abort();
        const settle = () => reject(new DownloadCancelledError());
        current.promise.then(settle, settle);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error) => {
          leave();
          reject(error);
        },
      );
    });
  }
}
