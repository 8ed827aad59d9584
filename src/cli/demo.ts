// Temporary: the embedded demo (src/engine/demo.ts, media/demo/) has not landed yet.
export async function demoCommand(args: string[]): Promise<number> {
  void args;
  process.stderr.write('finetune: the demo is not available yet\n');
  return 1;
}
