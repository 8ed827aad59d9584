// Which preprocessing a run feeds its model, in one place: a run and a sweep's
// shared feature pass must decode images exactly alike.
import { withInputRange, type Preprocessing } from '../../shared/preprocessing';
import type { TrainSpec } from '../../shared/trainSpec';
import { readModelPreprocessing } from '../run/saveModel';
import { catalogEntryForDir } from '../sources/catalogDefaults';

/**
 * The spec's, then the model folder's preprocessing.json, then the catalog's (a downloaded model has none), then `guess`
 * (from the model itself); the user's `inputRange` (--input-range, the dashboard's Input range) overrides the value range.
 */
export function preprocessingFor(spec: Pick<TrainSpec, 'preprocessing' | 'modelDir' | 'inputRange'>, guess: () => Preprocessing): Preprocessing {
  return withInputRange(spec.preprocessing ?? readModelPreprocessing(spec.modelDir) ?? catalogEntryForDir(spec.modelDir)?.preprocessing ?? guess(), spec.inputRange);
}
