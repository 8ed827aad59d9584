// Opens a Keras file of either generation as one shape: its model config,
// where each layer's weights are, and the open HDF5 file to read them from.
import { extname } from 'node:path';
import type * as H5 from 'h5wasm';
import { ModelFileError, type ModelCaps } from '../modelFileError';
import { readKerasArchive, WEIGHTS_H5 } from './archive';
import { openHdf5, stringAttr } from './hdf5';
import { keras2WeightPaths, keras3WeightPaths, type WeightPaths } from './weights';
import type { Json } from './layerConfig';

export interface KerasSource {
  format: 'keras3' | 'keras2';
  /** The model config as Keras wrote it ({class_name, config, …}). */
  model: Json;
  keras3Metadata?: Record<string, unknown>;
  file: H5.File;
  /** What errors about the weights name: the .h5 itself, or `model.keras (model.weights.h5)`. */
  weightsShownAs: string;
  weights: WeightPaths;
  close(): void;
}

export async function openKerasSource(path: string, caps: ModelCaps): Promise<KerasSource> {
  if (extname(path).toLowerCase() === '.keras') {
    const archive = readKerasArchive(path, caps);
    try {
      const weightsShownAs = `${path} (${WEIGHTS_H5})`;
      const file = await openHdf5(archive.weightsPath, weightsShownAs);
      return {
        format: 'keras3',
        model: archive.config as Json,
        keras3Metadata: archive.metadata,
        file,
        weightsShownAs,
        weights: keras3WeightPaths(file, archive.config as Json),
        close: () => {
          file.close();
          archive.dispose();
        },
      };
    } catch (e) {
      archive.dispose();
      throw e;
    }
  }
  const file = await openHdf5(path);
  try {
    const text = stringAttr(file, 'model_config');
    if (text === undefined) {
      throw new ModelFileError(path, 'is an HDF5 file without a model_config attribute: a weights-only file (save_weights), not a full Keras model; save it with model.save()');
    }
    if (text.length > caps.maxModelJsonBytes) throw new ModelFileError(path, `has a model_config of ${text.length} bytes, over the cap of ${caps.maxModelJsonBytes}`);
    let model: Json;
    try {
      model = JSON.parse(text) as Json;
    } catch (e) {
      throw new ModelFileError(path, `has a model_config that is not valid JSON (${(e as Error).message})`);
    }
    return { format: 'keras2', model, file, weightsShownAs: path, weights: keras2WeightPaths(file, model), close: () => file.close() };
  } catch (e) {
    file.close();
    throw e;
  }
}
