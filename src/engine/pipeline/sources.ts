// Where each kind of model plugs into the one pipeline: the folder's format
// picks the ModelSource. A new kind (e.g. Keras files, imported to a Layers
// model) adds a case here and nothing else.
import type { TrainSpec } from '../../shared/trainSpec';
import { detectModelFormat } from '../sources/resolve';
import { openGraphModel } from './graphSource';
import { openLayersModel } from './layersSource';
import type { ModelSource } from './source';
import { isKerasFile } from '../model/keras/fileKind';
import { kerasPreprocessing } from '../model/keras/preprocessing';
import { loadLayersModelFromDir } from '../model/load';

export async function openModelSource(spec: TrainSpec, fromScratch: boolean): Promise<ModelSource> {
  switch (await detectModelFormat(spec.modelDir)) {
    case 'graph':
      return openGraphModel(spec, fromScratch);
    case 'layers':
      if (!isKerasFile(spec.modelDir)) return openLayersModel(spec.modelDir);
      // A Keras file opens up to the cut (a layer TF.js cannot build above it is never needed) and carries no preprocessing.
      return openLayersModel(spec.modelDir, {
        load: (file) => loadLayersModelFromDir(file, undefined, { cut: spec.cut }),
        guess: (base, log) => kerasPreprocessing(base, spec.modelDir, spec.inputRange, log),
      });
  }
}
