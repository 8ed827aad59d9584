// Issue 5, case 13: other frameworks' model files are refused by name, never
// opened or executed, with the command that converts them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayersModelFromDir, ModelFileError } from '../../src/engine/model/load';
import { listing } from '../helpers/modelFolder';

let root: string;
before(() => (root = mkdtempSync(join(tmpdir(), 'ft-foreign-'))));
after(() => rmSync(root, { recursive: true, force: true }));

async function refused(path: string, problem: RegExp, file = path): Promise<void> {
  const before = listing(root);
  await assert.rejects(loadLayersModelFromDir(path), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.equal(e.file, file);
    assert.match(e.problem, problem);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  assert.deepEqual(listing(root), before);
}

for (const [ext, advice] of [
  ['.pt', /PyTorch file: never loaded \(unpickling runs code\).*tensorflowjs_converter/],
  ['.pkl', /Python pickle: never loaded.*model\.save\("m\.keras"\)/],
] as const) {
  test(`a ${ext} file is refused with conversion advice`, async () => {
    // The content is a pickle opcode stream; it must never be parsed, let alone run.
    const file = join(root, `model${ext}`);
    writeFileSync(file, Buffer.from('80045d942e', 'hex'));
    await refused(file, advice);
  });
  test(`a folder holding only a ${ext} file is refused with conversion advice`, async () => {
    const dir = join(root, `folder${ext}`);
    mkdirSync(dir);
    writeFileSync(join(dir, `weights${ext}`), 'x');
    await refused(dir, advice, join(dir, `weights${ext}`));
  });
}

for (const ext of ['.keras', '.h5', '.hdf5']) {
  test(`a folder holding a ${ext} file points at the file (Keras files open as files)`, async () => {
    const dir = join(root, `keras-${ext.slice(1)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, `model${ext}`), 'x');
    await refused(dir, /is a Keras model file: open the file itself, not its folder/, join(dir, `model${ext}`));
  });
}

test('a SavedModel folder is refused with conversion advice', async () => {
  const dir = join(root, 'saved');
  mkdirSync(join(dir, 'variables'), { recursive: true });
  writeFileSync(join(dir, 'saved_model.pb'), 'x');
  await refused(dir, /TensorFlow SavedModel folder.*tensorflowjs_converter --input_format=tf_saved_model/);
});

test('a folder without model.json says what it needs', async () => {
  const dir = join(root, 'empty');
  mkdirSync(dir);
  await refused(dir, /is missing: a TF\.js Layers model folder holds model\.json/, join(dir, 'model.json'));
});

test('a missing path says so', async () => {
  await refused(join(root, 'nope'), /does not exist/);
});
