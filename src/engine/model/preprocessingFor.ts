// Which preprocessing a run feeds its model, in one place: a run and a sweep's
// shared feature pass must decode images exactly alike.
import { withInputRange, type Preprocessing } from '../../shared/preprocessing';
import type { TrainSpec } from '../../shared/trainSpec';
import { declaredPreprocessing } from './folderFacts';

/**
 * The spec's, then what the model folder declares (its preprocessing.json, a Teachable Machine export's, the catalog's), then `guess`
 * (from the model itself); the user's `inputRange` (--input-range, the dashboard's Input range) overrides the value range.
 */
export function preprocessingFor(spec: Pick<TrainSpec, 'preprocessing' | 'modelDir' | 'inputRange'>, guess: () => Preprocessing): Preprocessing {
  return withInputRange(spec.preprocessing ?? declaredPreprocessing(spec.modelDir) ?? guess(), spec.inputRange);
}
