// `finetune sweep` as a user meets it: bad grids are one line (exit 2) and
// create nothing; --json ends with the recommendation and the Pareto sets;
// --resume of a finished sweep runs nothing again.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { tempDir, writeBaseModel, writeDataset } from './run-fixtures';

let modelDir = '';
let dataDir = '';
before(async () => {
  await tf.setBackend('cpu');
  modelDir = await writeBaseModel(join(tempDir('cli-sweep-model'), 'base'));
  dataDir = await writeDataset(join(tempDir('cli-sweep-data'), 'bands'), 8);
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout.trim().split('\n'), stderr: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

test('bad grids: one line on stderr, exit 2, no sweep folder', () => {
  const runs = tempDir('cli-sweep-bad');
  const common = ['--model', modelDir, '--data', dataDir, '--runs', runs, '--backend', 'cpu'];
  const cases: [string[], RegExp][] = [
    [['--cuts', 'flatten,nope'], /^finetune: unknown cut layer 'nope'/],
    [['--cuts', 'flatten', '--train', 'head,conv2+features'], /^finetune: plan 'conv2\+features' trains 'features', which is above cut 'flatten'/],
    [['--cuts', 'flatten', '--train', ''], /^finetune: the sweep grid is empty \(no plan\); nothing to run$/],
    [['--seeds', '0'], /^finetune: the sweep grid is empty \(no seed\)/],
    [['--train', 'top:x'], /^finetune: --train top:x: expected top:K/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli(...common, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr.join(' | ')}`);
    assert.equal(r.stderr.length, 1, r.stderr.join(' | '));
    assert.match(r.stderr[0], pattern);
  }
  assert.equal(existsSync(runs) ? readdirSync(runs).length : 0, 0);
});

test('--json: the last line names the recommended candidate and both Pareto sets; --resume of a finished sweep runs nothing', () => {
  const runs = tempDir('cli-sweep-ok');
  const r = cli('--model', modelDir, '--data', dataDir, '--runs', runs, '--backend', 'cpu', '--cuts', 'auto', '--epochs', '1', '--json');
  assert.equal(r.code, 0, r.stderr.join('\n'));
  const last = JSON.parse(r.stdout.at(-1)!) as { dir: string; recommended: string; paretoTrainingTime: string[]; paretoInferenceTime: string[]; rows: { id: string; cut: string }[] };
  assert.deepEqual(last.rows.map((row) => row.cut), ['conv2', 'flatten', 'features']);
  assert.ok(last.rows.some((row) => row.id === last.recommended));
  assert.ok(last.paretoTrainingTime.length > 0 && last.paretoInferenceTime.length > 0);
  assert.ok(r.stderr.some((l) => /^Shared pass: 3 cut activations for 24 images/.test(l)), r.stderr.join('\n'));

  const again = cli('--resume', last.dir, '--json');
  assert.equal(again.code, 0, again.stderr.join('\n'));
  assert.ok(again.stderr.some((l) => /3 candidates, 3 runs \(0 to run\)/.test(l)));
  assert.equal(JSON.parse(again.stdout.at(-1)!).recommended, last.recommended);
  assert.equal(readdirSync(join(last.dir, 'runs')).length, 3);
});
