// Hostile model folders (issue 5, cases 1-10 and 13): each is refused with a
// one-line ModelFileError naming the file and the problem, before tfjs sees
// anything (no tensors, no bytes), with nothing left behind and memory bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/engine/tf';
import { loadLayersModelFromDir, ModelFileError, validateLayersModelDir, type ModelCaps } from '../../src/engine/model/load';
import { artifactsOf, listing, tinyCnn, writeModelFolder, type ModelJson } from '../helpers/modelFolder';

let root: string;
let scratchTmp: string;
let valid: { json: ModelJson; data: Uint8Array };
let caseNo = 0;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'ft-hostile-'));
  // The loader must create no temp files: point os.tmpdir() at an empty folder and check it stays empty.
  scratchTmp = join(root, 'tmp');
  mkdirSync(scratchTmp);
  process.env.TMPDIR = scratchTmp;
  const model = tinyCnn();
  valid = await artifactsOf(model);
  model.dispose();
});

after(() => rmSync(root, { recursive: true, force: true }));

type Setup = (json: ModelJson, data: Uint8Array, dir: string) => { json?: unknown; data?: Uint8Array; caps?: Partial<ModelCaps> } | void;

function clone(): { json: ModelJson; data: Uint8Array } {
  return { json: structuredClone(valid.json), data: new Uint8Array(valid.data) };
}

/** Builds the folder, loads it both ways, and checks message, file, leftovers, tfjs memory and heap growth. */
async function expectRefused(setup: Setup, problem: RegExp, file = 'model.json'): Promise<void> {
  const dir = join(root, `case${++caseNo}`);
  const base = clone();
  mkdirSync(dir, { recursive: true });
  const changed = setup(base.json, base.data, dir) ?? {};
  writeModelFolder(dir, changed.json ?? base.json, { 'weights.bin': changed.data ?? base.data });
  const filesBefore = listing(dir);
  const memBefore = tf.memory();
  const heapBefore = process.memoryUsage().arrayBuffers;
  for (const load of [validateLayersModelDir, loadLayersModelFromDir]) {
    await assert.rejects(load(dir, changed.caps), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
      assert.match(e.problem, problem);
      assert.equal(e.file, join(dir, file));
      assert.ok(e.message.startsWith(e.file), 'the message names the file first');
      assert.doesNotMatch(e.message, /\n/, 'one line');
      return true;
    });
  }
  // tfjs was never reached: no tensor was made, no byte allocated on the backend.
  assert.equal(tf.memory().numTensors, memBefore.numTensors);
  assert.equal(tf.memory().numBytes, memBefore.numBytes);
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 16 * 1024 * 1024, 'no big allocation');
  assert.deepEqual(listing(dir), filesBefore, 'the model folder is unchanged');
  assert.deepEqual(readdirSync(scratchTmp), [], 'no temp files');
}

const spec = (json: ModelJson, i = 0) => json.weightsManifest[0].weights[i];

test('a valid folder loads (the baseline the hostile cases mutate)', async () => {
  const dir = writeModelFolder(join(root, 'valid'), valid.json, { 'weights.bin': valid.data });
  const model = await loadLayersModelFromDir(dir);
  assert.equal(model.layers.map((l) => l.name).join(','), 'pixels,conv,flat,out');
  model.dispose();
});

// 1. Paths leaving the folder.
test('shard path with ../ is refused', () => expectRefused((j) => void (j.weightsManifest[0].paths = ['../weights.bin']), /weight path '\.\.\/weights\.bin' leaves the model folder/));
test('shard path with ..\\ is refused', () => expectRefused((j) => void (j.weightsManifest[0].paths = ['..\\weights.bin']), /'\.\.\\weights\.bin' contains a backslash/));
test('absolute shard path is refused', () => expectRefused((j) => void (j.weightsManifest[0].paths = ['/etc/passwd']), /'\/etc\/passwd' is absolute/));
test('percent-encoded escape is refused', () => expectRefused((j) => void (j.weightsManifest[0].paths = ['%2e%2e%2fweights.bin']), /contains a percent-encoded escape/));
test('URL shard path is refused', () => expectRefused((j) => void (j.weightsManifest[0].paths = ['http://evil.example/w.bin']), /looks like a URL/));
test('symlink leading out of the folder is refused', () =>
  expectRefused((j, data, dir) => {
    const outside = join(root, `outside-${caseNo}.bin`);
    writeFileSync(outside, data);
    symlinkSync(outside, join(dir, 'link.bin'));
    j.weightsManifest[0].paths = ['link.bin'];
  }, /weight path 'link\.bin' is a symlink leading out of the model folder/));
test('a symlink inside the folder is fine', async () => {
  const dir = join(root, 'inner-link');
  writeModelFolder(dir, { ...valid.json, weightsManifest: [{ ...valid.json.weightsManifest[0], paths: ['link.bin'] }] }, { 'weights.bin': valid.data });
  symlinkSync('weights.bin', join(dir, 'link.bin'));
  (await loadLayersModelFromDir(dir)).dispose();
});

// 2. Shards that are not regular files, or too big.
test('a FIFO shard is refused without blocking', () =>
  expectRefused((j, _d, dir) => {
    execFileSync('mkfifo', [join(dir, 'fifo.bin')]);
    j.weightsManifest[0].paths = ['fifo.bin'];
  }, /weight shard is a FIFO, not a regular file/, 'fifo.bin'));
test('a directory shard is refused', () =>
  expectRefused((j, _d, dir) => {
    mkdirSync(join(dir, 'sub.bin'));
    j.weightsManifest[0].paths = ['sub.bin'];
  }, /weight shard is a directory, not a regular file/, 'sub.bin'));
test('a device shard is refused', async (t) => {
  const probe = join(root, 'probe-dev');
  try {
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
  } catch {
    t.skip('mknod needs root');
    return;
  }
  await expectRefused((j, _d, dir) => {
    execFileSync('mknod', [join(dir, 'null.bin'), 'c', '1', '3']);
    j.weightsManifest[0].paths = ['null.bin'];
  }, /weight shard is a device, not a regular file/, 'null.bin');
});
test('a shard over the size cap is refused', () => expectRefused(() => ({ caps: { maxShardBytes: 16 } }), /weight shard is \d+ bytes, over the cap of 16/, 'weights.bin'));

// 3. Byte counts.
test('a shard shorter than its specs is refused', () => expectRefused((_j, d) => ({ data: d.slice(0, d.length - 4) }), /too short: \d+ bytes on disk, but the weight specs need exactly \d+/, 'weights.bin'));
test('a shard longer than its specs is refused', () => expectRefused((_j, d) => ({ data: new Uint8Array([...d, 0, 0, 0, 0]) }), /too long/, 'weights.bin'));
test('a byte length that is not a multiple of the dtype size is refused', () =>
  expectRefused((_j, d) => ({ data: d.slice(0, d.length - 1) }), /is not a multiple of the 4-byte float32 size/, 'weights.bin'));

// 4. Names.
test('duplicate weight names are refused', () => expectRefused((j) => void (spec(j, 1).name = spec(j, 0).name), /weight name 'conv\/kernel' appears twice/));
test('__proto__ as a weight name is refused', () => expectRefused((j) => void (spec(j).name = '__proto__'), /weight name '__proto__' is not allowed/));
test('constructor inside a weight name is refused', () => expectRefused((j) => void (spec(j).name = 'conv/constructor'), /weight name 'conv\/constructor' is not allowed/));
test('__proto__ as a layer name is refused', () => expectRefused((j) => void (j.modelTopology.config.layers[2].config.name = j.modelTopology.config.layers[2].name = '__proto__'), /layer name '__proto__' is not allowed/));

// 5. Shapes.
for (const [label, dim] of [['negative', -1], ['fractional', 1.5], ['NaN (as JSON string)', 'NaN'], ['null', null]] as const) {
  test(`a ${label} dimension is refused`, () => expectRefused((j) => void (spec(j).shape = [3, dim, 1, 2]), /shape \[.*\]: dimensions must be non-negative integers/));
}
test('a shape whose product is over the cap is refused', () => expectRefused((j) => void (spec(j).shape = [65536, 65536]), /has 4294967296 elements .* over the cap of 268435456/));
test('a dimension over the cap is refused', () => expectRefused((j) => void (spec(j).shape = [2 ** 30]), /dimension 1073741824, over the cap/));
test('a string dtype with a huge shape is refused without allocating', () =>
  expectRefused((j) => void Object.assign(spec(j), { shape: [10000, 10000], dtype: 'string' }), /weight 'conv\/kernel' has dtype string, which a Layers model never uses/));

// 6. Dtypes and quantization.
test('an unknown dtype is refused', () => expectRefused((j) => void (spec(j).dtype = 'float64'), /unknown dtype 'float64'/));
test('an unknown quantization is refused', () => expectRefused((j) => void (spec(j).quantization = { dtype: 'int4', min: 0, scale: 1 }), /unknown quantization dtype 'int4'/));
test('uint8 quantization without min is refused', () => expectRefused((j) => void (spec(j).quantization = { dtype: 'uint8', scale: 0.1 }), /uint8 quantization without a finite 'min'/));
test('uint16 quantization without scale is refused', () => expectRefused((j) => void (spec(j).quantization = { dtype: 'uint16', min: 0 }), /uint16 quantization without a finite 'scale'/));

// 7. Values.
for (const [label, value] of [['NaN', NaN], ['Inf', Infinity], ['-Inf', -Infinity]] as const) {
  test(`${label} in the weights is refused`, () =>
    expectRefused((_j, d) => {
      const copy = new Uint8Array(d);
      new DataView(copy.buffer).setFloat32(8 * 4, value, true);
      return { data: copy };
    }, /weight 'conv\/kernel' holds NaN or Inf \(element 8\)/));
}

// 8. Absurd topology sizes, refused before tfjs would allocate them.
const layer = (j: ModelJson, name: string) => j.modelTopology.config.layers.find((l: any) => l.name === name).config;
test('dense units 1e9 is refused', () => expectRefused((j) => void (layer(j, 'out').units = 1e9), /layer 'out' \(Dense\) asks for units=1000000000, outside 0\.\.\d+; refused before building it/));
test('conv filters 1e9 is refused', () => expectRefused((j) => void (layer(j, 'conv').filters = 1e9), /layer 'conv' \(Conv2D\) asks for filters=1000000000/));
test('units that disagree with the weight shapes are refused', () => expectRefused((j) => void (layer(j, 'out').units = 100000), /asks for units=100000, but its weights have shapes \[8,2\], \[2\]/));

// 9. model.json itself.
test('model.json over the cap is refused', () => expectRefused(() => ({ caps: { maxModelJsonBytes: 100 } }), /is \d+ bytes, over the cap of 100/));
test('malformed model.json is refused', () => expectRefused(() => ({ json: '{"modelTopology": {' }), /is not valid JSON/));
test('model.json with a BOM is refused', () => expectRefused((j) => ({ json: `\uFEFF${JSON.stringify(j)}` }), /starts with a UTF-8 byte-order mark/));
test('a graph model is pointed elsewhere', () => expectRefused((j) => ({ json: { ...j, format: 'graph-model' } }), /is a TF\.js Graph model/));

// 10. Unsupported layers.
test('a Lambda layer is reported unsupported', () => expectRefused((j) => void (j.modelTopology.config.layers[2].class_name = 'Lambda'), /layer 'flat' is a Lambda layer: unsupported/));
test('a custom layer is reported unsupported', () => expectRefused((j) => void (j.modelTopology.config.layers[2].class_name = 'MyCustomLayer'), /layer 'flat' has class 'MyCustomLayer', a custom layer TF\.js cannot build: unsupported/));

test('model.json that is a FIFO or a directory is refused without blocking', async () => {
  for (const make of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => mkdirSync(p)]) {
    const dir = join(root, `case${++caseNo}`);
    mkdirSync(dir);
    make(join(dir, 'model.json'));
    await assert.rejects(loadLayersModelFromDir(dir), (e: unknown) => {
      assert.ok(e instanceof ModelFileError);
      assert.equal(e.file, join(dir, 'model.json'));
      assert.equal(e.problem, 'is not a regular file');
      return true;
    });
  }
});
