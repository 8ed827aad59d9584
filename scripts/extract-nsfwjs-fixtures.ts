// Writes the Keras-converted Layers models that the `nsfwjs` package ships as
// JavaScript modules (MobileNetV2 224, InceptionV3 299) as ordinary TF.js model
// folders: model.json plus binary shards, under test/fixtures/generated/.
// Idempotent: a folder whose files are all present with the right sizes is
// left alone; otherwise it is rebuilt in a temp folder and renamed into place,
// so a half-written fixture is never seen.
//
//   npm run fixtures            # both models
//   npm run fixtures mobilenet_v2
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NSFWJS_MODELS = ['mobilenet_v2', 'inception_v3'] as const;
export type NsfwjsModel = (typeof NSFWJS_MODELS)[number];

const repoRoot = resolve(__dirname, '..');
const requireHere = createRequire(join(repoRoot, 'package.json'));

export const generatedRoot = join(repoRoot, 'test', 'fixtures', 'generated');

interface ModelModule {
  /** `graph-model` for the Graph model; absent from the Keras-converted Layers ones. */
  format?: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

function unwrap<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m && typeof m === 'object' && 'default' in m ? m.default : mod) as T;
}

// nsfwjs's `exports` map hides its files from require.resolve, so look for the
// package folder along Node's own search path instead.
function findSourceDir(name: string): string | undefined {
  for (const base of requireHere.resolve.paths('nsfwjs') ?? []) {
    const dir = join(base, 'nsfwjs', 'dist', 'models', name);
    if (existsSync(join(dir, 'model.min.js'))) return dir;
  }
  return undefined;
}

/** True when the installed nsfwjs ships model `name` (e.g. `mobilenet_v2_mid`, its Graph model). */
export function hasNsfwjsModel(name: string): boolean {
  return findSourceDir(name) !== undefined;
}

function sourceDir(name: string): string {
  const dir = findSourceDir(name);
  if (!dir) throw new Error(`nsfwjs model '${name}' not found: run npm ci (nsfwjs is a devDependency)`);
  return dir;
}

/**
 * Any model nsfwjs ships, as file name → bytes: `model.json` (the module's
 * JSON as shipped) and its binary shards, for tests that serve or write them.
 */
export function readNsfwjsModelFiles(name: string): Record<string, Buffer> {
  const src = sourceDir(name);
  const model = unwrap<ModelModule>(requireHere(join(src, 'model.min.js')));
  const files: Record<string, Buffer> = { 'model.json': Buffer.from(JSON.stringify(model)) };
  for (const group of model.weightsManifest) {
    for (const shard of group.paths) files[shard] = Buffer.from(unwrap<string>(requireHere(join(src, `${shard}.min.js`))), 'base64');
  }
  return files;
}

/** True when every file the model.json names exists with a non-zero size. */
function isComplete(dir: string): boolean {
  const json = join(dir, 'model.json');
  if (!existsSync(json)) return false;
  try {
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as ModelModule;
    // Folders from an earlier extractor labelled the Graph model a Layers model: write those again.
    if (Array.isArray((parsed.modelTopology as { node?: unknown }).node) && parsed.format !== 'graph-model') return false;
    return parsed.weightsManifest.every((g) => g.paths.every((p) => existsSync(join(dir, p)) && statSync(join(dir, p)).size > 0));
  } catch {
    return false;
  }
}

/** Extracts one model (if needed) and returns its folder. */
export function extractNsfwjsModel(name: NsfwjsModel): string {
  const target = join(generatedRoot, name);
  if (isComplete(target)) return target;
  const { 'model.json': json, ...shards } = readNsfwjsModelFiles(name);
  const model = JSON.parse(json.toString('utf8')) as ModelModule;
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [shard, bytes] of Object.entries(shards)) writeFileSync(join(tmp, shard), bytes);
    const format = model.format ?? 'layers-model';
    writeFileSync(join(tmp, 'model.json'), JSON.stringify({ format, generatedBy: 'nsfwjs', modelTopology: model.modelTopology, weightsManifest: model.weightsManifest }));
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}

if (require.main === module) {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : [...NSFWJS_MODELS];
  for (const name of names) {
    if (!(NSFWJS_MODELS as readonly string[]).includes(name)) {
      console.error(`unknown nsfwjs model '${name}'; expected one of ${NSFWJS_MODELS.join(', ')}`);
      process.exit(2);
    }
    console.log(extractNsfwjsModel(name as NsfwjsModel));
  }
}
