// `finetune export --format FORMAT RUNDIR …`: a fine-tuned run in another
// tool's layout. Each format is one row of EXPORTERS (loaded lazily); add a
// format by adding a row.
import { resolve } from 'node:path';
import { parse, requireString } from './args';
import { UsageError } from './errors';

export const EXPORT_USAGE = `finetune export --format teachable-machine RUNDIR OUTDIR [--json]
finetune export --format keras RUNDIR [--out FILE] [--json]`;

interface Exported {
  /** The file or folder written. */
  written: string;
  warnings: string[];
  labels?: string[];
}

interface Exporter {
  describe: string;
  /** Positional arguments after RUNDIR. */
  extra: 0 | 1;
  run(runDir: string, target: string | undefined): Promise<Exported>;
}

const EXPORTERS: Record<string, Exporter> = {
  'teachable-machine': {
    describe: 'a folder @teachablemachine/image loads (model.json, weights.bin, metadata.json)',
    extra: 1,
    run: async (runDir, outDir) => {
      const result = await (await import('../engine/run/export/teachableMachine')).exportTeachableMachine(runDir, outDir!);
      return { written: result.outDir, warnings: result.warnings, labels: result.labels };
    },
  },
  keras: {
    describe: 'a Keras 3 .keras file (config.json + model.weights.h5)',
    extra: 0,
    run: async (runDir, out) => ({ written: await (await import('../engine/model/keras/exportRun')).exportRunToKeras(runDir, out), warnings: [] }),
  },
};

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, true);
  const format = requireString(values.format, '--format');
  const exporter = EXPORTERS[format];
  if (!exporter) throw new UsageError(`--format ${format}: unknown format (known: ${Object.keys(EXPORTERS).join(', ')})`);
  if (positionals.length !== 1 + exporter.extra) throw new UsageError(`export --format ${format} needs ${exporter.extra ? 'RUNDIR and OUTDIR' : 'one RUNDIR'} (usage: ${EXPORT_USAGE.replace(/\n/g, ' | ')})`);
  if (values.out !== undefined && exporter.extra) throw new UsageError(`export --format ${format} takes OUTDIR, not --out`);
  const [runDir, target] = positionals.map((p) => resolve(p));
  const result = await exporter.run(runDir, target ?? (values.out === undefined ? undefined : resolve(values.out)));
  for (const warning of result.warnings) process.stderr.write(`finetune: warning: ${warning}\n`);
  if (values.json) {
    process.stdout.write(JSON.stringify({ format, ...result }) + '\n');
  } else {
    process.stdout.write(`Exported ${runDir} as ${exporter.describe}:\n  ${result.written}\n`);
    if (result.labels) process.stdout.write(`Labels (${result.labels.length}): ${result.labels.join(', ')}\n`);
  }
  return 0;
}
