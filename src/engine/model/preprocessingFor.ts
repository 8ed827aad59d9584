// Which preprocessing a run feeds its model, in one place: a run and a sweep's
// shared feature pass must decode images exactly alike.
import { withInputRange, type Preprocessing } from '../../shared/preprocessing';
import type { TrainSpec } from '../../shared/trainSpec';
import { declaredPreprocessing } from './folderFacts';

/**
 * The spec's, then what the model folder declares (its preprocessing.json, a Teachable Machine export's, the catalog's), then `guess`
 * (from the model itself); the user's `inputRange` (--input-range, the dashboard's Input range) overrides the value range.
 */
export function preprocessingFor(spec: PreprocessingChoices, guess: () => Preprocessing): Preprocessing {
  return choosePreprocessing(spec, guess).preprocessing;
}

type PreprocessingChoices = Pick<TrainSpec, 'preprocessing' | 'modelDir' | 'inputRange'>;

/** The same choice, and where it came from (a guess gets a warning when the range is not recognised). */
export function choosePreprocessing(spec: PreprocessingChoices, guess: () => Preprocessing): { preprocessing: Preprocessing; from: 'spec' | 'model' | 'guess' } {
  const declared = spec.preprocessing ? undefined : declaredPreprocessing(spec.modelDir);
  const chosen = spec.preprocessing ?? declared ?? guess();
  const from = spec.preprocessing || spec.inputRange ? 'spec' : declared ? 'model' : 'guess';
  return { preprocessing: withInputRange(chosen, spec.inputRange), from };
}
