// Keras files carry no preprocessing. It is inferred in this order: a known
// keras.applications architecture (recognised by its default model name,
// also when nested, e.g. a Sequential wrapping MobileNetV2), then a
// Rescaling layer at the input (the model scales raw pixels itself), and
// otherwise the user is asked (--input-range, or the dashboard's Input range).
import { tf } from '../../tf';
import { InputRangeSchema, withInputRange, type InputRange, type Preprocessing } from '../../../shared/preprocessing';
import { ModelFileError } from '../modelFileError';
import { defaultPreprocessing } from '../transfer';

/**
 * keras.applications default model names and the `preprocess_input` mode of
 * each family: `tf` mode is [-1,1], `caffe` is BGR minus ImageNet means,
 * `torch` is ImageNet mean/std. Families that include their own Rescaling
 * (EfficientNet, MobileNetV3, ConvNeXt) are caught by the Rescaling rule.
 */
const ARCHITECTURES: [RegExp, InputRange][] = [
  [/^mobilenetv2_/i, '-1,1'],
  [/^mobilenet_/i, '-1,1'],
  [/^(inception_v3|inception_resnet_v2|xception|nasnet|nasnet_(mobile|large))$/i, '-1,1'],
  [/^resnet(50|101|152)v2$/i, '-1,1'],
  [/^(resnet(50|101|152)|vgg(16|19))$/i, 'caffe'],
  [/^densenet(121|169|201)$/i, 'torch'],
];

interface InferredRange {
  range: InputRange;
  /** Why, for the run log: "MobileNetV2 (mobilenetv2_1.00_224)", "a Rescaling layer at the input". */
  because: string;
}

function modelsIn(model: tf.LayersModel): tf.LayersModel[] {
  return [model, ...model.layers.flatMap((l) => (l instanceof tf.LayersModel ? modelsIn(l) : []))];
}

/** The first layer that computes something, looking inside nested models. */
function firstComputingLayer(model: tf.LayersModel): tf.layers.Layer | undefined {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    return layer instanceof tf.LayersModel ? firstComputingLayer(layer) : layer;
  }
  return undefined;
}

/** The value range an imported Keras model expects, when it can be told; undefined means ask the user. */
export function inferKerasInputRange(model: tf.LayersModel): InferredRange | undefined {
  for (const m of modelsIn(model)) {
    const known = ARCHITECTURES.find(([pattern]) => pattern.test(m.name));
    if (known) return { range: known[1], because: `the keras.applications architecture '${m.name}'` };
  }
  const first = firstComputingLayer(model);
  if (first?.getClassName() === 'Rescaling') return { range: '0,255', because: `the Rescaling layer '${first.name}' at its input` };
  return undefined;
}

/**
 * The preprocessing for an imported Keras model: size and channels from its
 * input, the value range from `chosen` (the user's --input-range), else
 * inferred; with neither, one line asks for the choice.
 */
export function kerasPreprocessing(model: tf.LayersModel, file: string, chosen: InputRange | undefined, log: (line: string) => void): Preprocessing {
  const base = defaultPreprocessing(model);
  if (chosen) return withInputRange(base, chosen);
  const inferred = inferKerasInputRange(model);
  if (!inferred) {
    throw new ModelFileError(file, `carries no preprocessing, and its input range cannot be inferred (no known keras.applications architecture, no Rescaling layer); choose it: --input-range ${InputRangeSchema.options.join('|')} (dashboard: Input range)`);
  }
  log(`Input range ${inferred.range}, inferred from ${inferred.because}`);
  return withInputRange(base, inferred.range);
}
