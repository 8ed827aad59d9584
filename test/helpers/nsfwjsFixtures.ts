// Real architectures for tests: the Keras-converted models shipped by nsfwjs,
// extracted on first use into test/fixtures/generated/ (git-ignored).
import { extractNsfwjsModel, type NsfwjsModel } from '../../scripts/extract-nsfwjs-fixtures';

/** Folder holding model.json and shards for `name`; extracts it on first call. */
export function fixtureDir(name: NsfwjsModel): string {
  return extractNsfwjsModel(name);
}
