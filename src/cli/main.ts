// `finetune`: the headless runner. Subcommands: summary, train, lr-find, classify, demo, models.
import { describeError, EXIT_BAD_INPUT, UsageError } from './errors';
import { TRAIN_USAGE } from './train';
import { LR_FIND_USAGE } from './lrFind';

const USAGE = `Usage:
  finetune summary --model DIR|ID|URL [--json]
  ${TRAIN_USAGE.replace(/\n/g, '\n  ')}
  ${LR_FIND_USAGE.replace(/\n/g, '\n  ')}
  finetune classify --model DIR IMAGE... [--top K] [--json]
  finetune demo [--compare-scratch] [--json] [--backend NAME] [--runs DIR]
  finetune models ...`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (['summary', 'train', 'lr-find', 'classify', 'demo', 'models'].includes(command)) (await import('./quiet')).quietTfjs();
  // Commands load lazily, so `finetune --help` starts without tfjs.
  switch (command) {
    case 'summary':
      return (await import('./summary')).summaryCommand(rest);
    case 'train':
      return (await import('./train')).trainCommand(rest);
    case 'lr-find':
      return (await import('./lrFind')).lrFindCommand(rest);
    case 'classify':
      return (await import('./classify')).classifyCommand(rest);
    case 'demo':
      return (await import('./demo')).demoCommand(rest);
    case 'models':
      return (await import('./models')).modelsCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? EXIT_BAD_INPUT : 0;
    default:
      throw new UsageError(`unknown command "${command}" (try: finetune --help)`);
  }
}

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { line, code } = describeError(err);
    process.stderr.write(line + '\n');
    if (process.env.FINETUNE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  },
);
