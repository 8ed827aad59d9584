// Model files that are neither TF.js nor Keras: refused by name, never
// opened, with the command that converts them. Pickle-based formats can run
// code when loaded, which is one more reason never to touch them. Keras files
// open through model/keras/; here they only get a pointer to the file itself.
import { extname, join } from 'node:path';
import { ModelFileError } from './modelFileError';
import { isKerasFile } from './keras/fileKind';

/** A local Keras file is opened by the Keras importer before anything here runs; what reaches this is a URL. */
const KERAS_URL = 'is a Keras model file: only TF.js models are downloaded; download it yourself and open the local file';
const KERAS_IN_FOLDER = 'is a Keras model file: open the file itself, not its folder';

const ADVICE: Record<string, string> = {
  '.pt': 'is a PyTorch file: never loaded (unpickling runs code); export to ONNX, convert with onnx2tf to a SavedModel, then tensorflowjs_converter',
  '.pth': 'is a PyTorch file: never loaded (unpickling runs code); export to ONNX, convert with onnx2tf to a SavedModel, then tensorflowjs_converter',
  '.pkl': 'is a Python pickle: never loaded (unpickling runs code); save the model with Keras model.save("m.keras") and open m.keras',
  '.onnx': 'is an ONNX model, not TF.js; convert with onnx2tf to a SavedModel, then tensorflowjs_converter --input_format=tf_saved_model',
  '.tflite': 'is a TensorFlow Lite model, not TF.js; convert the original SavedModel with tensorflowjs_converter instead',
  '.pb': 'is a TensorFlow graph, not TF.js; convert it: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR',
};

const SAVED_MODEL = 'is a TensorFlow SavedModel folder, not TF.js; convert it: tensorflowjs_converter --input_format=tf_saved_model DIR OUT_DIR (a Keras model: save it as .keras with model.save() and open that file)';

/** Throws a conversion hint when `path` (a file, or a folder with `names`) is a known non-TF.js model format. */
export function refuseForeignFormat(path: string, isFile: boolean, names: string[] = []): void {
  if (isFile) {
    if (isKerasFile(path)) throw new ModelFileError(path, KERAS_URL);
    const advice = ADVICE[extname(path).toLowerCase()];
    if (advice) throw new ModelFileError(path, advice);
    return;
  }
  if (names.includes('saved_model.pb') || names.includes('saved_model.pbtxt')) throw new ModelFileError(path, SAVED_MODEL);
  const keras = names.find(isKerasFile);
  if (keras) throw new ModelFileError(join(path, keras), KERAS_IN_FOLDER);
  const foreign = names.find((n) => ADVICE[extname(n).toLowerCase()]);
  if (foreign) throw new ModelFileError(join(path, foreign), ADVICE[extname(foreign).toLowerCase()]);
}
