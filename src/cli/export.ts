// `finetune export --format FORMAT RUNDIR OUTDIR`: a fine-tuned run in another
// tool's layout. Each format is one exporter; add a format by adding a row.
import { resolve } from 'node:path';
import { exportTeachableMachine, type ExportResult } from '../engine/run/export/teachableMachine';
import { parse, requireString } from './args';
import { UsageError } from './errors';

export const EXPORT_USAGE = 'finetune export --format teachable-machine RUNDIR OUTDIR [--json]';

const EXPORTERS: Record<string, { describe: string; run: (runDir: string, outDir: string) => Promise<ExportResult> }> = {
  'teachable-machine': { describe: 'a folder @teachablemachine/image loads (model.json, weights.bin, metadata.json)', run: exportTeachableMachine },
};

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, json: { type: 'boolean' } }, true);
  const format = requireString(values.format, '--format');
  const exporter = EXPORTERS[format];
  if (!exporter) throw new UsageError(`--format ${format}: unknown format (known: ${Object.keys(EXPORTERS).join(', ')})`);
  if (positionals.length !== 2) throw new UsageError(`export needs RUNDIR and OUTDIR (usage: ${EXPORT_USAGE})`);
  const [runDir, outDir] = positionals.map((p) => resolve(p));
  const result = await exporter.run(runDir, outDir);
  for (const warning of result.warnings) process.stderr.write(`finetune: warning: ${warning}\n`);
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    process.stdout.write(`Exported ${runDir} as ${exporter.describe}:\n  ${result.outDir}\n`);
    process.stdout.write(`Labels (${result.labels.length}): ${result.labels.join(', ')}\n`);
  }
  return 0;
}
