import { resolve } from 'node:path';
import { demoSpec } from '../engine/demo';
import { parse } from './args';
import { resultJson } from './report';
import { mediaRoot } from './paths';
import { parseBackend, trainWithCli } from './train';
import { runTraining } from '../engine/runTraining';

/**
 * Fine-tunes the embedded MNIST demo (convolutions frozen). With
 * --compare-scratch, trains the same network from random weights on the same
 * budget, so the value of pre-training shows.
 */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { 'compare-scratch': { type: 'boolean' }, json: { type: 'boolean' }, backend: { type: 'string' }, runs: { type: 'string' } });
  const json = values.json === true;
  const spec = { ...demoSpec(mediaRoot(), resolve(values.runs ?? '.finetune/runs')), ...(values.backend ? { backend: parseBackend(values.backend) } : {}) };
  const out = json ? process.stderr : process.stdout;
  const tuned = await trainWithCli((o) => runTraining(spec, o), { json, label: values['compare-scratch'] ? 'pre-trained' : undefined });
  let extra: Record<string, unknown> = {};
  if (values['compare-scratch'] && tuned.stopReason !== 'cancelled') {
    const scratch = await trainWithCli((o) => runTraining({ ...spec, name: 'demo-scratch' }, o), { json, fromScratch: true, label: 'scratch' });
    out.write(`\nPre-trained (frozen convolutions): validation accuracy ${tuned.valAccuracy.toFixed(4)}\n`);
    out.write(`From scratch (all layers, random init): validation accuracy ${scratch.valAccuracy.toFixed(4)}\n`);
    extra = { scratchValAccuracy: scratch.valAccuracy, scratchRunDir: scratch.runDir };
  }
  if (json) process.stdout.write(resultJson(tuned, extra) + '\n');
  return 0;
}
