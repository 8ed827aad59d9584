// A Keras 3 `.keras` file is a zip holding config.json, metadata.json and
// model.weights.h5. Read with fflate's streaming unzip, so every entry's size
// is what it really inflates to (a zip's declared sizes can lie), under caps:
// a zip bomb stops at the cap instead of filling memory or the disk.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ModelFileError, type ModelCaps } from '../modelFileError';

export const CONFIG_JSON = 'config.json';
export const METADATA_JSON = 'metadata.json';
export const WEIGHTS_H5 = 'model.weights.h5';

/** What a .keras archive holds, with the weights written to a temp file that `dispose` removes. */
interface KerasArchive {
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
  weightsPath: string;
  dispose(): void;
}

const ZIP_SIGNATURE = 0x04034b50;

/** Opens a .keras archive; throws one ModelFileError line for anything that is not a Keras 3 archive. */
export function readKerasArchive(path: string, caps: ModelCaps): KerasArchive {
  const size = statSync(path).size;
  // The weights dominate; the cap leaves room for the zip's own headers.
  if (size > caps.maxTotalWeightBytes + caps.maxModelJsonBytes) throw new ModelFileError(path, `is ${size} bytes, over the cap of ${caps.maxTotalWeightBytes + caps.maxModelJsonBytes}`);
  const bytes = readFileSync(path);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== ZIP_SIGNATURE) throw new ModelFileError(path, 'is not a Keras 3 archive: a .keras file is a zip, and this one does not start like one');
  const dir = mkdtempSync(join(tmpdir(), 'finetune-keras-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const texts = new Map<string, Uint8Array[]>();
    let weightsFd: number | undefined;
    let weightsBytes = 0;
    let failure: ModelFileError | undefined;
    const fail = (file: UnzipFile, problem: string) => {
      failure ??= new ModelFileError(path, problem);
      file.terminate();
    };
    const seen = new Set<string>();
    const unzip = new Unzip((file) => {
      if (failure) return;
      // Two entries of one name: which one Keras would read is unclear, so neither is.
      if (seen.has(file.name)) return fail(file, `holds ${file.name} twice`);
      seen.add(file.name);
      if (file.name === CONFIG_JSON || file.name === METADATA_JSON) {
        const chunks: Uint8Array[] = [];
        let total = 0;
        texts.set(file.name, chunks);
        file.ondata = (err, chunk) => {
          if (err) return fail(file, `${file.name} cannot be inflated (${err.message})`);
          total += chunk.length;
          if (total > caps.maxModelJsonBytes) return fail(file, `${file.name} inflates past the cap of ${caps.maxModelJsonBytes} bytes (a zip bomb?)`);
          chunks.push(chunk);
        };
      } else if (file.name === WEIGHTS_H5) {
        weightsFd = openSync(join(dir, WEIGHTS_H5), 'wx');
        file.ondata = (err, chunk) => {
          if (err) return fail(file, `${WEIGHTS_H5} cannot be inflated (${err.message})`);
          weightsBytes += chunk.length;
          if (weightsBytes > caps.maxTotalWeightBytes) return fail(file, `${WEIGHTS_H5} inflates past the cap of ${caps.maxTotalWeightBytes} bytes (a zip bomb?)`);
          writeSync(weightsFd!, chunk);
        };
      } else {
        return; // assets/ and anything else: never inflated.
      }
      file.start();
    });
    unzip.register(UnzipInflate);
    try {
      unzip.push(bytes, true);
    } catch (e) {
      failure ??= new ModelFileError(path, `is not a readable zip (${(e as Error).message})`);
    } finally {
      if (weightsFd !== undefined) closeSync(weightsFd);
    }
    if (failure) throw failure;
    const missing = [CONFIG_JSON, WEIGHTS_H5].filter((n) => (n === WEIGHTS_H5 ? weightsFd === undefined : !texts.has(n)));
    if (missing.length > 0) throw new ModelFileError(path, `is a zip but not a Keras 3 archive: it has no ${missing.join(' or ')}`);
    return {
      config: parseJsonObject(path, CONFIG_JSON, texts.get(CONFIG_JSON)!),
      metadata: texts.has(METADATA_JSON) ? parseJsonObject(path, METADATA_JSON, texts.get(METADATA_JSON)!) : {},
      weightsPath: join(dir, WEIGHTS_H5),
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

function parseJsonObject(path: string, name: string, chunks: Uint8Array[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
  } catch (e) {
    throw new ModelFileError(path, `${name} is not valid JSON (${(e as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ModelFileError(path, `${name} is JSON but not an object`);
  return parsed as Record<string, unknown>;
}
