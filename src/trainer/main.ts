// The trainer child process (dist/trainer.js), forked by the extension host.
// It validates every request, drives the engine, and answers on the IPC
// channel. It exits when the host disconnects, so it never outlives it.
import { TrainerRequestSchema, type TrainerRequest } from '../shared/protocol/trainer';
import { errorReply } from './errors';

// The engine (tfjs, sharp, the model formats) loads with the first request, not
// at start: the process says `ready` at once, and a failure to load is that
// request's error, not a crash before the host could ask anything.
let handlers: Promise<typeof import('./handlers')> | undefined;

function send(message: unknown): void {
  if (process.connected && process.send) process.send(message as object);
}

process.on('message', (raw: unknown) => {
  const parsed = TrainerRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    const problem = parsed.error.issues[0];
    const message = `invalid request: ${problem?.path.join('.') || 'message'}: ${problem?.message ?? 'invalid'}`;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) send({ inReplyTo: id, error: { message, code: 'invalidRequest' } });
    else process.stderr.write(`${message}\n`);
    return;
  }
  const request: TrainerRequest = parsed.data;
  handlers ??= import('./handlers');
  handlers.then(({ handle }) => handle(
    request,
    (event) => send({ method: 'event', params: { requestId: request.id, event } }),
    (event) => send({ method: 'sweepEvent', params: { requestId: request.id, event } }),
  )).then(
    (result) => send({ inReplyTo: request.id, result }),
    (error: unknown) => send({ inReplyTo: request.id, error: errorReply(error) }),
  );
});

// The host went away (window reload, deactivation, kill escalation): leave at
// once. This is not a Stop: a Stop cancels and saves the model as the run's
// result, while a run whose host vanished stays interrupted, to be resumed
// from its last checkpoint (checkpoint and model writes are atomic, so
// leaving mid-write loses nothing but the unfinished epoch).
process.on('disconnect', () => {
  process.exit(0);
});

send({ method: 'ready', params: { pid: process.pid } });
