// Refuses URLs of model formats that are not TF.js, by name, before anything
// is fetched, with the conversion advice the local loader gives for files
// (model/foreignFormats.ts). Local folders are that module's job.
import { ModelFileError } from '../model/modelFileError';
import { refuseForeignFormat } from '../model/foreignFormats';

const SAVED_MODEL_URL =
  'is a TensorFlow SavedModel, not TF.js; download it and convert it: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR, then open OUT_DIR/model.json';

/** Throws a one-line ModelFileError when a URL names a non-TF.js model file or a SavedModel folder. */
export function refuseForeignUrl(url: URL): void {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the raw path.
  }
  const name = `${url.origin}${url.pathname}`;
  if (/(^|\/)(saved_model(\.pbtxt)?|variables(\/variables\.index)?)\/?$/i.test(path)) throw new ModelFileError(name, SAVED_MODEL_URL);
  try {
    refuseForeignFormat(path, true);
  } catch (error) {
    if (error instanceof ModelFileError) throw new ModelFileError(name, error.problem);
    throw error;
  }
}

/**
 * The `model.json` URL for what a user typed: a `.json` URL as is; a folder-like
 * URL (TF Hub / Kaggle handles) gets `/model.json` appended, keeping its query.
 */
export function modelJsonUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ModelFileError(input, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ModelFileError(input, `uses ${url.protocol}; only http and https URLs are downloaded`);
  }
  if (url.username || url.password) throw new ModelFileError(`${url.protocol}//${url.host}${url.pathname}`, 'URLs with embedded credentials are not accepted');
  refuseForeignUrl(url);
  if (!/\.json$/i.test(url.pathname)) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/model.json`;
  }
  return url;
}
