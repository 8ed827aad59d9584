import { resolve } from 'node:path';
import { loadLayersModelFromDir } from '../engine/model/load';
import { summarizeModel } from '../engine/model/summary';
import { parse, requireString } from './args';

export async function summaryCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { model: { type: 'string' }, json: { type: 'boolean' } });
  const dir = resolve(requireString(values.model, '--model'));
  const model = await loadLayersModelFromDir(dir);
  const summary = summarizeModel(model);
  if (values.json) {
    process.stdout.write(JSON.stringify({ layers: summary.layers, totalParams: summary.totalParams, trainableParams: summary.trainableParams }) + '\n');
    return 0;
  }
  const rows = summary.layers.map((l) => [
    [...l.path, l.name].join('/'),
    l.className,
    JSON.stringify(l.outputShape).replace(/null/g, 'None'),
    (l.trainableParams + l.nonTrainableParams).toLocaleString('en-US'),
    l.nonTrainableParams > 0 && l.trainableParams === 0 ? 'frozen' : l.trainableParams > 0 ? 'yes' : '',
  ]);
  const header = ['Layer', 'Class', 'Output shape', 'Params', 'Trainable'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  lines.push('', `Total params: ${summary.totalParams.toLocaleString('en-US')}`, `Trainable params: ${summary.trainableParams.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(summary.totalParams - summary.trainableParams).toLocaleString('en-US')}`);
  if (summary.defaultCut) lines.push(`Default cut: ${summary.defaultCut}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
