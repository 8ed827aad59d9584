// One trainer child process: fork, handshake, RPC, and a shutdown that always
// ends it (stop request → disconnect → SIGTERM → SIGKILL). A crash (native
// abort, out of memory) fails the pending requests with a readable reason and
// leaves the extension host untouched.
import { fork, type ChildProcess } from 'node:child_process';
import { RpcClient } from './rpcClient';
import { crashReason } from './crashReason';

export interface TrainerProcessOptions {
  script: string;
  log(line: string): void;
  /** Called once when the process has gone, with a reason when it was not asked to go. */
  onExit?(unexpected: string | null): void;
  /** Extra V8 flags, e.g. `--max-old-space-size=…`. */
  execArgv?: string[];
}

const READY_TIMEOUT_MS = 30_000;
const STDERR_TAIL = 8192;

export class TrainerProcess {
  readonly rpc: RpcClient;
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private stderrTail = '';
  private exited = false;
  private stopping = false;
  private readonly exitPromise: Promise<void>;

  constructor(private readonly options: TrainerProcessOptions) {
    this.child = fork(options.script, [], {
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      env: {
        ...process.env,
        // tfjs-node-gpu must not grab every byte of GPU memory up front.
        TF_FORCE_GPU_ALLOW_GROWTH: 'true',
        TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2',
        // In desktop VS Code process.execPath is Electron; make it behave as Node.
        ELECTRON_RUN_AS_NODE: '1',
      },
    });
    this.rpc = new RpcClient((m) => this.send(m), (problem) => options.log(problem));
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => options.log(`[trainer] ${chunk.trimEnd()}`));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      options.log(`[trainer:err] ${chunk.trimEnd()}`);
    });
    let readyResolve: () => void = () => undefined;
    let readyReject: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.ready.catch(() => undefined); // observed by callers of whenReady
    const readyTimer = setTimeout(() => readyReject(new Error('The trainer process did not start within 30 s')), READY_TIMEOUT_MS);
    this.child.on('message', (raw: unknown) => {
      if (raw && typeof raw === 'object' && (raw as { method?: unknown }).method === 'ready') {
        clearTimeout(readyTimer);
        readyResolve();
      }
      this.rpc.receive(raw);
    });
    this.exitPromise = new Promise<void>((resolve) => {
      const onGone = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exited) return;
        this.exited = true;
        clearTimeout(readyTimer);
        const reason = this.stopping ? null : crashReason(code, signal, this.stderrTail);
        const error = new Error(reason ?? 'The trainer process was stopped');
        readyReject(error);
        this.rpc.close(error);
        options.log(`trainer ${this.child.pid} exited (code ${code}, signal ${signal})`);
        options.onExit?.(reason);
        resolve();
      };
      this.child.on('exit', onGone);
      this.child.on('error', (err) => {
        this.stderrTail += `\n${err.message}`;
        onGone(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  whenExited(): Promise<void> {
    return this.exitPromise;
  }

  private send(message: unknown): void {
    if (this.exited || !this.child.connected) throw new Error('The trainer process is not running');
    this.child.send(message as object);
  }

  /**
   * Ends the process for sure: asks it to stop and leave, then SIGTERM after
   * `graceMs`, then SIGKILL. Resolves when it has exited.
   */
  async dispose(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    try {
      if (this.child.connected) this.child.disconnect(); // the trainer exits on disconnect
    } catch {
      /* already gone */
    }
    const escalate = (signal: NodeJS.Signals, afterMs: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          if (!this.exited) this.child.kill(signal);
          resolve();
        }, afterMs);
        void this.exitPromise.then(() => (clearTimeout(t), resolve()));
      });
    await escalate('SIGTERM', graceMs);
    await escalate('SIGKILL', 2000);
    await Promise.race([this.exitPromise, new Promise((r) => setTimeout(r, 2000))]);
  }
}
