// Real architectures for tests: the Keras-converted models shipped by nsfwjs,
// extracted on first use into test/fixtures/generated/ (git-ignored).
import { extractNsfwjsModel, type NsfwjsModel } from '../../scripts/extract-nsfwjs-fixtures';

export { hasNsfwjsModel, readNsfwjsModelFiles } from '../../scripts/extract-nsfwjs-fixtures';

/** The uint8-quantized MobileNetV2 TF.js Graph model that nsfwjs ships. */
export const NSFWJS_GRAPH_MODEL = 'mobilenet_v2_mid';

/** Folder holding model.json and shards for `name`; extracts it on first call. */
export function fixtureDir(name: NsfwjsModel): string {
  return extractNsfwjsModel(name);
}
