// Which paths the Keras importer opens, decided by extension as Keras itself
// decides between its formats. Dependency-free, so the extension host and the
// URL checks can ask without loading the importer.
import { extname } from 'node:path';

const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

export const isKerasFile = (path: string) => KERAS_EXTENSIONS.includes(extname(path).toLowerCase());
