// What the catalog knows about a model folder that came from it. A cached
// catalog model sits in `<entry>/model/` beside the cache's `manifest.json`,
// which names its catalog id. Downloaded files carry no preprocessing.json and
// the catalog's chosen cut is not in them, so the engine asks here before it
// guesses: the same answer for the CLI, the trainer and the extension.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { tf } from '../tf';
import { findCatalogEntry, type CatalogEntry } from './catalog';

/** The catalog entry a cached model folder was pulled for, if any. */
export function catalogEntryForDir(modelDir: string): CatalogEntry | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(modelDir, '..', 'manifest.json'), 'utf8')) as { catalogId?: unknown };
    return typeof manifest.catalogId === 'string' ? findCatalogEntry(manifest.catalogId) : undefined;
  } catch {
    return undefined; // not a cached catalog model (a user's own folder, or the demo)
  }
}

/** The catalog's default cut for this folder, when the model really has that layer. */
export function catalogCut(model: tf.LayersModel, modelDir: string): string | undefined {
  const cut = catalogEntryForDir(modelDir)?.defaultCut;
  if (!cut) return undefined;
  try {
    model.getLayer(cut);
    return cut;
  } catch {
    return undefined;
  }
}
