import { loadLayersModelFromDir } from '../engine/model/load';
import { summarizeGraphModelDir } from '../engine/model/graphModel';
import { detectModelFormat } from '../engine/sources/resolve';
import { resolveModelArg } from './modelArg';
import { summarizeModel } from '../engine/model/summary';
import { parse, requireString } from './args';

export async function summaryCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { model: { type: 'string' }, json: { type: 'boolean' } });
  // A catalog id or model.json URL is pulled into the cache first (progress on stderr).
  const { dir } = await resolveModelArg(requireString(values.model, '--model'));
  const summary = (await detectModelFormat(dir)) === 'graph' ? await summarizeGraphModelDir(dir) : await layersSummary(dir);
  if (values.json) {
    process.stdout.write(JSON.stringify({ layers: summary.layers, totalParams: summary.totalParams, trainableParams: summary.trainableParams, ...(summary.graph ? { graph: summary.graph } : {}) }) + '\n');
    return 0;
  }
  // A Graph node's name already holds its scope.
  const rows = summary.layers.map((l) => [
    summary.format === 'graph' ? l.name : [...l.path, l.name].join('/'),
    l.className,
    JSON.stringify(l.outputShape).replace(/null/g, 'None'),
    (l.trainableParams + l.nonTrainableParams).toLocaleString('en-US'),
    l.nonTrainableParams > 0 && l.trainableParams === 0 ? 'frozen' : l.trainableParams > 0 ? 'yes' : '',
  ]);
  const header = summary.format === 'graph' ? ['Node', 'Op', 'Output shape', 'Params', 'Trainable'] : ['Layer', 'Class', 'Output shape', 'Params', 'Trainable'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  lines.push('', `Total params: ${summary.totalParams.toLocaleString('en-US')}`, `Trainable params: ${summary.trainableParams.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(summary.totalParams - summary.trainableParams).toLocaleString('en-US')}`);
  if (summary.defaultCut) lines.push(`Default cut: ${summary.defaultCut}`);
  if (summary.graph) {
    const io = (t: { name: string; shape: (number | null)[]; dtype: string }) => `${t.name} ${JSON.stringify(t.shape).replace(/null/g, 'None')} ${t.dtype}`;
    lines.push(`Graph model (frozen feature extractor run up to the cut; only a new head trains): ${summary.graph.nodeCount} nodes, cut at any node with a 2-D or 4-D output`);
    for (const t of summary.graph.inputs) lines.push(`  input:  ${io(t)}`);
    for (const t of summary.graph.outputs) lines.push(`  output: ${io(t)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function layersSummary(dir: string) {
  const model = await loadLayersModelFromDir(dir);
  try {
    return summarizeModel(model);
  } finally {
    model.dispose();
  }
}
