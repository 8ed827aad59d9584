// A long-lived trainer process for quick model work (summaries, dataset
// health, classification), started on first use so activation loads nothing.
// It is ended after a minute of idleness, after a crash it is simply started
// again on the next request, and it never trains (each run gets its own).
import type { ParamsOf, ResultOf, TrainerMethod } from '../../shared/protocol/trainer';
import type { TrainerProcess } from './process';

const IDLE_MS = 60_000;

export class UtilityTrainer {
  private proc: TrainerProcess | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly script: string,
    private readonly log: (line: string) => void,
  ) {}

  async request<M extends Exclude<TrainerMethod, 'train' | 'resume' | 'sweep' | 'resumeSweep' | 'stop'>>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.clearIdle();
    if (!this.proc || !this.proc.alive) {
      // Loaded on first use: the protocol's schemas (zod) stay out of activation.
      const { TrainerProcess } = await import('./process');
      if (!this.proc || !this.proc.alive) this.proc = new TrainerProcess({ script: this.script, log: this.log });
    }
    const proc = this.proc;
    try {
      await proc.whenReady();
      return await proc.rpc.request(method, params);
    } finally {
      if (proc.rpc.inFlight === 0) this.armIdle();
    }
  }

  /** Cancels a download in progress (nothing to do when the process is not running). */
  async cancel(): Promise<void> {
    if (this.proc?.alive) await this.proc.rpc.request('stop', {}).catch(() => undefined);
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => void this.dispose(), IDLE_MS);
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  async dispose(): Promise<void> {
    this.clearIdle();
    const proc = this.proc;
    this.proc = null;
    await proc?.dispose(500);
  }
}
