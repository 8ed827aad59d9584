// Where each kind of model plugs into the one pipeline: the folder's format
// picks the ModelSource. A new kind (e.g. Keras files, imported to a Layers
// model) adds a case here and nothing else.
import type { TrainSpec } from '../../shared/trainSpec';
import { detectModelFormat } from '../sources/resolve';
import { openGraphModel } from './graphSource';
import { openLayersModel } from './layersSource';
import type { ModelSource } from './source';

export async function openModelSource(spec: TrainSpec, fromScratch: boolean): Promise<ModelSource> {
  switch (await detectModelFormat(spec.modelDir)) {
    case 'graph':
      return openGraphModel(spec, fromScratch);
    case 'layers':
      return openLayersModel(spec.modelDir);
  }
}
