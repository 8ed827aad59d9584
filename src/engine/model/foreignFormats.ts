// Model files that are not TF.js: refused by name, never opened, with the
// command that converts them. Pickle-based formats can run code when loaded,
// which is one more reason never to touch them.
import { extname, join } from 'node:path';
import { ModelFileError } from './modelFileError';

const ADVICE: Record<string, string> = {
  '.h5': 'is a Keras HDF5 model, not TF.js; convert it: tensorflowjs_converter --input_format=keras model.h5 OUT_DIR',
  '.hdf5': 'is a Keras HDF5 model, not TF.js; convert it: tensorflowjs_converter --input_format=keras model.hdf5 OUT_DIR',
  '.keras': 'is a Keras 3 model, not TF.js; save it as .h5 (model.save("m.h5")), then: tensorflowjs_converter --input_format=keras m.h5 OUT_DIR',
  '.pt': 'is a PyTorch file: never loaded (unpickling runs code); export to ONNX, convert with onnx2tf to a SavedModel, then tensorflowjs_converter',
  '.pth': 'is a PyTorch file: never loaded (unpickling runs code); export to ONNX, convert with onnx2tf to a SavedModel, then tensorflowjs_converter',
  '.pkl': 'is a Python pickle: never loaded (unpickling runs code); save the model as Keras .h5, then: tensorflowjs_converter --input_format=keras m.h5 OUT_DIR',
  '.onnx': 'is an ONNX model, not TF.js; convert with onnx2tf to a SavedModel, then tensorflowjs_converter --input_format=tf_saved_model',
  '.tflite': 'is a TensorFlow Lite model, not TF.js; convert the original SavedModel with tensorflowjs_converter instead',
  '.pb': 'is a TensorFlow graph, not TF.js; convert it: tensorflowjs_converter --input_format=tf_saved_model SAVED_MODEL_DIR OUT_DIR',
};

const SAVED_MODEL = 'is a TensorFlow SavedModel folder, not TF.js; convert it: tensorflowjs_converter --input_format=tf_saved_model DIR OUT_DIR (Keras models: save as .h5 and use --input_format=keras to keep them trainable)';

/** Throws a conversion hint when `path` (a file, or a folder with `names`) is a known non-TF.js model format. */
export function refuseForeignFormat(path: string, isFile: boolean, names: string[] = []): void {
  if (isFile) {
    const advice = ADVICE[extname(path).toLowerCase()];
    if (advice) throw new ModelFileError(path, advice);
    return;
  }
  if (names.includes('saved_model.pb') || names.includes('saved_model.pbtxt')) throw new ModelFileError(path, SAVED_MODEL);
  const foreign = names.find((n) => ADVICE[extname(n).toLowerCase()]);
  if (foreign) throw new ModelFileError(join(path, foreign), ADVICE[extname(foreign).toLowerCase()]);
}
