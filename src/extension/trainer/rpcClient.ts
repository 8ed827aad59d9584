// The host side of the trainer protocol, independent of how messages travel
// (a forked process in production, a plain function in tests). It numbers
// requests, validates every reply and event, times requests out and fails all
// pending ones when the transport dies.
import {
  TRAINER_TIMEOUTS,
  TrainerMessageSchema,
  TrainerResultSchemas,
  type ParamsOf,
  type ResultOf,
  type TrainerMethod,
} from '../../shared/protocol/trainer';
import type { TrainEvent } from '../../shared/events';
import type { SweepEvent } from '../../shared/sweep';

export class TrainerRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'TrainerRequestError';
  }
}

interface Pending {
  method: TrainerMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | null;
  onEvent?: (event: TrainEvent) => void;
  onSweepEvent?: (event: SweepEvent) => void;
}

export interface RequestOptions {
  /** Overrides the method's default timeout; null waits forever. */
  timeoutMs?: number | null;
  /** For `train`: each event of this request. */
  onEvent?: (event: TrainEvent) => void;
  /** For `sweep` and `resumeSweep`: each sweep event of this request. */
  onSweepEvent?: (event: SweepEvent) => void;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: Error | null = null;

  constructor(
    private readonly send: (message: unknown) => void,
    /** Messages that failed validation; the caller logs them. */
    private readonly onInvalid: (problem: string) => void = () => undefined,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  request<M extends TrainerMethod>(method: M, params: ParamsOf<M>, options: RequestOptions = {}): Promise<ResultOf<M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs === undefined ? TRAINER_TIMEOUTS[method] : options.timeoutMs;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const entry: Pending = { method, resolve: resolve as (v: unknown) => void, reject, timer: null, onEvent: options.onEvent, onSweepEvent: options.onSweepEvent };
      if (timeoutMs !== null) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new TrainerRequestError(`The trainer did not answer '${method}' within ${Math.round(timeoutMs / 1000)} s`, 'timeout'));
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        this.send({ id, method, params });
      } catch (error) {
        this.settle(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Feeds one message from the trainer. Invalid ones are reported and dropped, never thrown. */
  receive(raw: unknown): void {
    const parsed = TrainerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.onInvalid(`invalid message from trainer: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
      return;
    }
    const message = parsed.data;
    if ('method' in message) {
      if (message.method === 'event') this.pending.get(message.params.requestId)?.onEvent?.(message.params.event);
      if (message.method === 'sweepEvent') this.pending.get(message.params.requestId)?.onSweepEvent?.(message.params.event);
      return;
    }
    const entry = this.settle(message.inReplyTo);
    if (!entry) return; // a reply after its timeout
    if ('error' in message && message.error) {
      entry.reject(new TrainerRequestError(message.error.message, message.error.code));
      return;
    }
    const result = TrainerResultSchemas[entry.method].safeParse((message as { result?: unknown }).result);
    if (result.success) entry.resolve(result.data);
    else entry.reject(new TrainerRequestError(`The trainer's answer to '${entry.method}' was malformed: ${result.error.issues[0]?.message}`, 'invalidReply'));
  }

  /** The transport died: every pending request fails with this reason, and later ones fail at once. */
  close(reason: Error): void {
    this.closedWith = reason;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  }
}
