// `finetune export --format FORMAT RUNDIR`: a finished run's model in another
// format. Each format is one entry of EXPORTERS, loaded lazily.
import { resolve } from 'node:path';
import { parse, requireString } from './args';
import { UsageError } from './errors';

export const EXPORT_USAGE = 'finetune export --format keras RUNDIR [--out FILE]';

type Exporter = (runDir: string, out: string | undefined) => Promise<string>;

const EXPORTERS: Record<string, Exporter> = {
  keras: async (runDir, out) => (await import('../engine/model/keras/exportRun')).exportRunToKeras(runDir, out),
};

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, out: { type: 'string' } }, true);
  const format = requireString(values.format, '--format');
  const exporter = EXPORTERS[format];
  if (!exporter) throw new UsageError(`--format ${format}: expected ${Object.keys(EXPORTERS).join(', ')}`);
  if (positionals.length !== 1) throw new UsageError(`export takes one run folder (${EXPORT_USAGE})`);
  const written = await exporter(resolve(positionals[0]), values.out === undefined ? undefined : resolve(values.out));
  process.stdout.write(`${written}\n`);
  return 0;
}
