// Bad Keras files (issue 12, part 7): each is refused with one ModelFileError
// line naming the file and the problem, with no tensor leaked, no temp file
// left behind, and memory bounded (a bomb stops at its cap).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { tf } from '../../src/engine/tf';
import { ModelFileError, type ModelCaps } from '../../src/engine/model/modelFileError';
import { importKerasModel } from '../../src/engine/model/keras/importer';
import { h5 } from '../../src/engine/model/keras/hdf5';
import type * as H5 from 'h5wasm';
import { exportKeras } from '../../src/engine/model/keras/exporter';
import { editConfig, occurrences, readEntries, rewriteWeights, u64, writeEntries } from '../helpers/kerasFiles';

const FIXTURES = resolve('../shared/fixtures/keras');
const DIGITS = join(FIXTURES, 'digits_mlp.keras');
const XCEPTION = join(FIXTURES, 'tiny_XCEPTION_KDEF.hdf5');
let root: string;
let scratchTmp: string;
let n = 0;

before(async () => {
  await h5(); // the wasm module's one-time load is not what the memory bound measures
  root = mkdtempSync(join(tmpdir(), 'ft-keras-hostile-'));
  // The importer's temp files must all be gone afterwards: point os.tmpdir() at an empty folder.
  scratchTmp = join(root, 'tmp');
  mkdirSync(scratchTmp);
  process.env.TMPDIR = scratchTmp;
});
after(() => rmSync(root, { recursive: true, force: true }));

const file = (name: string) => join(root, `${++n}-${name}`);

async function expectRefused(path: string, problem: RegExp, options: { cut?: string; caps?: Partial<ModelCaps> } = {}): Promise<void> {
  const tensors = tf.memory().numTensors;
  const heap = process.memoryUsage().heapUsed;
  await assert.rejects(importKerasModel(path, options), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected a ModelFileError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.startsWith(path), `names the file: ${e.message}`);
    assert.match(e.message, problem);
    return true;
  });
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
  assert.deepEqual(readdirSync(scratchTmp), [], 'no temp file left behind');
  assert.ok(process.memoryUsage().heapUsed - heap < 64 * 1024 * 1024, 'memory stayed bounded');
}

test('a truncated HDF5 file', async () => {
  const path = file('truncated.h5');
  writeFileSync(path, readFileSync(XCEPTION).subarray(0, 200_000));
  await expectRefused(path, /is not a readable HDF5 file: .*truncated/);
});

test('a file that is not HDF5 at all', async () => {
  const path = file('text.h5');
  writeFileSync(path, 'not a model\n');
  await expectRefused(path, /is not an HDF5 file/);
});

test('a zip that is not a Keras archive', async () => {
  const path = file('photos.keras');
  writeFileSync(path, zipSync({ 'readme.txt': strToU8('holiday photos') }));
  await expectRefused(path, /is a zip but not a Keras 3 archive: it has no config\.json or model\.weights\.h5/);
});

test('a zip holding config.json twice', async () => {
  const path = file('twice.keras');
  const entries = readEntries(DIGITS);
  const zip = zipSync({ 'config.json': entries['config.json'], 'model.weights.h5': entries['model.weights.h5'], 'xonfig.json': strToU8('{}') }, { level: 0 });
  // Rename xonfig.json to config.json in both of its headers: a second entry of that name.
  const bytes = Buffer.from(zip);
  for (let at = bytes.indexOf('xonfig.json'); at >= 0; at = bytes.indexOf('xonfig.json', at + 1)) bytes.write('c', at);
  writeFileSync(path, bytes);
  await expectRefused(path, /holds config\.json twice/);
});

test('a file named .keras that is not a zip', async () => {
  const path = file('plain.keras');
  writeFileSync(path, '{"class_name": "Sequential"}');
  await expectRefused(path, /is not a Keras 3 archive: a \.keras file is a zip/);
});

test('a zip bomb: config.json inflates past the cap, whatever size the zip declares', async () => {
  const path = file('bomb.keras');
  const config = new Uint8Array(8 * 1024 * 1024).fill(0x20); // 8 MiB of spaces deflate to a few KB
  const zip = zipSync({ 'config.json': config, 'model.weights.h5': strToU8('x') }, { level: 9 });
  // Make the headers lie: declare 100 bytes, so only the real inflated size can catch it.
  const view = new DataView(zip.buffer);
  for (const [sig, at] of [[0x04034b50, 22], [0x02014b50, 24]]) {
    for (let i = 0; i + 4 <= zip.length; i++) if (view.getUint32(i, true) === sig && view.getUint32(i + at, true) === config.length) view.setUint32(i + at, 100, true);
  }
  writeFileSync(path, zip);
  assert.ok(zip.length < 64 * 1024, `the bomb is small (${zip.length} bytes)`);
  await expectRefused(path, /config\.json inflates past the cap of 1048576 bytes \(a zip bomb\?\)/, { caps: { maxModelJsonBytes: 1024 * 1024 } });
});

test('a weight whose shape differs from the config', async () => {
  const path = file('shape.keras');
  const entries = readEntries(DIGITS);
  entries['model.weights.h5'] = await rewriteWeights(entries['model.weights.h5'], (d) =>
    d.path === 'layers/dense/vars/1' ? { ...d, shape: [127], values: d.values.subarray(0, 127) } : d,
  );
  writeEntries(path, entries);
  await expectRefused(path, /weight 1 of layer 'dense' \(dense\/bias\) has shape \[127\] in the file, but the config makes it \[128\]/);
});

test('a dataset whose data offset lies past the end of the file', async () => {
  const path = file('offset.keras');
  const entries = readEntries(DIGITS);
  // The raw data of dense_1's kernel, found by its bytes, then the layout message pointing at it.
  const copy = new Uint8Array(await rewriteWeights(entries['model.weights.h5'], (d) => d));
  const pointers = occurrences(copy, u64(await findDataOffset(copy, 'layers/dense_1/vars/0')));
  assert.equal(pointers.length, 1, 'found the layout message');
  for (const p of pointers) copy.set(u64(copy.length + 1_000_000), p);
  entries['model.weights.h5'] = copy;
  writeEntries(path, entries);
  await expectRefused(path, /cannot read dataset 'layers\/dense_1\/vars\/0': /);
});

test('an HDF5 dataset that claims 10^12 elements is refused before it is read', async () => {
  // Chunked storage may legally claim a huge shape with no chunk written (HDF5 would read fill values): only the cap stops it.
  const path = file('huge.keras');
  const entries = readEntries(DIGITS);
  entries['model.weights.h5'] = await rewriteWeights(
    entries['model.weights.h5'],
    (d) => (d.path === 'layers/dense/vars/0' ? { ...d, resizable: true } : d),
    (f) => (f.get('layers/dense/vars/0') as H5.Dataset).resize([1_000_000, 1_000_000]),
  );
  writeEntries(path, entries);
  await expectRefused(path, /dataset 'layers\/dense\/vars\/0' claims shape \[1000000,1000000\] \(1000000000000 elements\), over the cap/);
});

test('HDF5 itself refuses a contiguous dataset whose claimed size does not fit in the file', async () => {
  const path = file('huge-contiguous.keras');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [123457], name: 'dense' })] });
  await exportKeras(model, path);
  model.dispose();
  const entries = readEntries(path);
  const bytes = new Uint8Array(entries['model.weights.h5']);
  const dims = occurrences(bytes, u64(123457));
  assert.ok(dims.length >= 1, 'found the dataspace dimension');
  for (const p of dims) bytes.set(u64(1e12), p);
  for (const p of occurrences(bytes, u64(123457 * 4))) bytes.set(u64(4e12), p);
  entries['model.weights.h5'] = bytes;
  writeEntries(path, entries);
  await expectRefused(path, /cannot read dataset 'layers\/dense\/vars\/0': invalid dataset size/);
});

test('a .keras whose config names a layer missing from the weights', async () => {
  const path = file('missing.keras');
  editConfig(DIGITS, path, (config) => {
    const dense = config.config.layers.find((l: { config: { name: string } }) => l.config.name === 'dense_1');
    config.config.layers.push({ ...structuredClone(dense), config: { ...structuredClone(dense.config), name: 'dense_2' } });
  });
  await expectRefused(path, /names layer 'dense_2' \(Dense\), but the weights file has no weights for it \(nothing under layers\/dense_2\/vars\)/);
});

test('a legacy .h5 without a model config (a weights-only file)', async () => {
  const path = file('weights-only.h5');
  writeFileSync(path, await rewriteWeights(readEntries(DIGITS)['model.weights.h5'], (d) => d));
  await expectRefused(path, /weights-only file \(save_weights\), not a full Keras model/);
});

/** The file offset of a dataset's raw bytes: found by searching for its first 32 bytes. */
async function findDataOffset(bytes: Uint8Array, dataset: string): Promise<number> {
  const dir = mkdtempSync(join(root, 'find-'));
  try {
    writeFileSync(join(dir, 'w.h5'), bytes);
    const { File } = await h5();
    const f = new File(join(dir, 'w.h5'), 'r');
    try {
      const values = (f.get(dataset) as { value: Float32Array }).value;
      const at = occurrences(bytes, new Uint8Array(values.buffer, values.byteOffset, 32));
      assert.equal(at.length, 1, 'the data is found once');
      return at[0];
    } finally {
      f.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
