// Turns a trainer's unexpected exit into one line a user can act on.

export function crashReason(code: number | null, signal: string | null, stderrTail: string): string {
  const tail = stderrTail.trim();
  if (/heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY/i.test(tail)) {
    return 'The trainer ran out of memory (JavaScript heap). Try a smaller batch size or a smaller model.';
  }
  if (/std::bad_alloc|OOM when allocating|ResourceExhausted|out of memory/i.test(tail)) {
    return 'The trainer ran out of native memory. Try a smaller batch size, or the cpu/wasm backend.';
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
  const lastLine = tail.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
  return `The trainer process ${how}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
}
