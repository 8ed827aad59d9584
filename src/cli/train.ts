import { resolve } from 'node:path';
import type { RunResult } from '../shared/events';
import type { TrainSpecInput } from '../shared/trainSpec';
import { BackendNameSchema } from '../shared/trainSpec';
import { InputRangeSchema, type InputRange } from '../shared/preprocessing';
import { resumeTraining, runTraining, type RunTrainingOptions } from '../engine/runTraining';
import { optionalNumber, parse, parsePlan, requireString } from './args';
import { UsageError } from './errors';
import { EventPrinter, printResult, resultJson, type CliRunResult } from './report';
import { resolveModelArg } from './modelArg';

export const TRAIN_USAGE = `finetune train --model DIR|ID|URL|FILE.keras|FILE.h5 --data DIR [--cut LAYER|NODE] [--train head|top:K|all|fine-tune|gradual|A,B]
  [--optimizer adam|sgd|rmsprop] [--lr N] [--batch N] [--epochs N] [--validation-split F] [--seed N]
  [--patience N] [--dropout F] [--class-weights balanced] [--augment] [--backend tensorflow|webgpu|wasm|cpu] [--threads N] [--runs DIR] [--name NAME] [--json]
  [--input-range 0,1|-1,1|0,255|caffe|torch]   (--model also takes a Keras .keras / .h5 file)
finetune train --resume RUNDIR [--json]`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    model: { type: 'string' },
    data: { type: 'string' },
    cut: { type: 'string' },
    train: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    batch: { type: 'string' },
    epochs: { type: 'string' },
    'validation-split': { type: 'string' },
    seed: { type: 'string' },
    patience: { type: 'string' },
    dropout: { type: 'string' },
    'class-weights': { type: 'string' },
    augment: { type: 'boolean' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    runs: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    resume: { type: 'string' },
    'input-range': { type: 'string' },
  });
  if (values.resume !== undefined) {
    const result = await trainWithCli((o) => resumeTraining(resolve(values.resume!), o), { json: values.json === true });
    if (values.json) process.stdout.write(resultJson(result) + '\n');
    return 0;
  }
  const optimizer = values.optimizer;
  if (optimizer !== undefined && !['adam', 'sgd', 'rmsprop'].includes(optimizer)) throw new UsageError(`--optimizer ${optimizer}: expected adam, sgd or rmsprop`);
  if (values['class-weights'] !== undefined && !['balanced', 'none'].includes(values['class-weights'])) throw new UsageError(`--class-weights ${values['class-weights']}: expected balanced or none`);
  const dataDir = resolve(requireString(values.data, '--data')); // checked before any download
  // A catalog id or model.json URL is pulled into the cache first (progress on stderr).
  const model = await resolveModelArg(requireString(values.model, '--model'));
  const spec: TrainSpecInput = {
    modelDir: model.dir,
    dataDir,
    runsDir: resolve(values.runs ?? '.finetune/runs'),
    cut: values.cut,
    train: parsePlan(values.train),
    optimizer: optimizer as TrainSpecInput['optimizer'],
    learningRate: optionalNumber(values.lr, '--lr'),
    batchSize: optionalNumber(values.batch, '--batch'),
    epochs: optionalNumber(values.epochs, '--epochs'),
    validationSplit: optionalNumber(values['validation-split'], '--validation-split'),
    seed: optionalNumber(values.seed, '--seed'),
    earlyStoppingPatience: optionalNumber(values.patience, '--patience'),
    dropout: optionalNumber(values.dropout, '--dropout'),
    classWeights: values['class-weights'] as TrainSpecInput['classWeights'],
    augment: values.augment,
    backend: parseBackend(values.backend),
    threads: optionalNumber(values.threads, '--threads'),
    name: values.name,
    inputRange: parseInputRange(values['input-range']),
  };
  const result = await trainWithCli((o) => runTraining(spec, o), { json: values.json === true });
  if (values.json) process.stdout.write(resultJson(result) + '\n');
  return 0;
}

export function parseInputRange(value: string | undefined): InputRange | undefined {
  if (value === undefined) return undefined;
  const parsed = InputRangeSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--input-range ${value}: expected ${InputRangeSchema.options.join(', ')}`);
  return parsed.data;
}

export function parseBackend(value: string | undefined): TrainSpecInput['backend'] {
  if (value === undefined) return undefined;
  const parsed = BackendNameSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--backend ${value}: expected tensorflow, webgpu, wasm or cpu`);
  return parsed.data;
}

/**
 * Runs one training with the CLI's printing and SIGINT handling: the first
 * Ctrl-C stops at the next batch boundary (the model is still evaluated and
 * saved), a second one exits at once.
 */
export async function trainWithCli(
  start: (options: RunTrainingOptions) => Promise<RunResult>,
  options: { json: boolean; fromScratch?: boolean; label?: string },
): Promise<CliRunResult> {
  const out = options.json ? process.stderr : process.stdout;
  const printer = new EventPrinter(out, options.label ? `[${options.label}] ` : '');
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping at the next batch boundary (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await start({ onEvent: printer.onEvent, signal: controller.signal, fromScratch: options.fromScratch });
    printResult(out, result);
    return { ...result, backendReport: printer.backendReport };
  } finally {
    process.off('SIGINT', onSigint);
  }
}
