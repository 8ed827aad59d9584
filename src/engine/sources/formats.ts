// Refuses model formats that are not TF.js, by name, before anything is
// fetched or opened, and says how to convert them. Pickles in particular run
// code when loaded, so they are refused outright rather than "tried".
import { ModelFileError } from '../model/load';

const SAVED_MODEL_HINT =
  'a TensorFlow SavedModel is not a TF.js model; convert it with: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR, then open OUT_DIR/model.json';

const FOREIGN: { pattern: RegExp; problem: string }[] = [
  {
    pattern: /\.(h5|hdf5|keras)$/i,
    problem:
      'a Keras file is not a TF.js model; convert it with: tensorflowjs_converter --input_format=keras MODEL.h5 OUT_DIR (for .keras, save as .h5 or a SavedModel first), then open OUT_DIR/model.json',
  },
  {
    pattern: /\.(pt|pth|pkl|pickle|ckpt|bin\.index)$/i,
    problem:
      'a PyTorch/pickle file is not a TF.js model and is never unpickled (it can run code); export it to a TensorFlow SavedModel (e.g. via ONNX and onnx2tf), then: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR',
  },
  { pattern: /(^|\/)saved_model\.pbtxt?$|(^|\/)saved_model\/?$|(^|\/)variables(\/|$)/i, problem: SAVED_MODEL_HINT },
  {
    pattern: /\.pb$/i,
    problem: `a .pb graph is not a TF.js model; ${SAVED_MODEL_HINT.replace(/^a TensorFlow SavedModel is not a TF\.js model; /, '')}`,
  },
  {
    pattern: /\.(onnx|tflite|safetensors)$/i,
    problem:
      'this format is not a TF.js model; convert it to a TensorFlow SavedModel first, then: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR',
  },
];

/** Throws a one-line ModelFileError when `pathOrUrl` names a non-TF.js model format. */
export function refuseForeignFormat(pathOrUrl: string): void {
  let path = pathOrUrl;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl)) path = decodeURIComponent(new URL(pathOrUrl).pathname);
  } catch {
    // Not a parseable URL; judge the raw text.
  }
  const normalized = path.replace(/\\/g, '/');
  for (const { pattern, problem } of FOREIGN) {
    if (pattern.test(normalized)) throw new ModelFileError(pathOrUrl, problem);
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
    throw new ModelFileError(input, 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ModelFileError(input, `unsupported protocol ${url.protocol} (only http and https)`);
  }
  if (url.username || url.password) throw new ModelFileError(input, 'URLs with embedded credentials are not accepted');
  refuseForeignFormat(input);
  if (!/\.json$/i.test(url.pathname)) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/model.json`;
  }
  return url;
}
