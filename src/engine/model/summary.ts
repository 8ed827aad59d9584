// The layer tree shown by the sidebar, the dashboard and `finetune summary`.
import type { tf } from '../tf';
import type { LayerSummary, ModelSummary } from '../../shared/summary';
import { leafLayers, paramCount, type Layer } from './graph';
import { findDefaultCut } from './cut';

/** Config keys worth a tooltip, in display order (tfjs getConfig() names). */
const KEY_CONFIG = [
  'units', 'filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'depthMultiplier', 'activation',
  'useBias', 'rate', 'poolSize', 'axis', 'momentum', 'epsilon', 'targetShape', 'maxValue', 'inputDim', 'outputDim',
];

type ConfigValue = string | number | boolean | null;

function keyConfig(layer: Layer): Record<string, ConfigValue> {
  let config: Record<string, unknown>;
  try {
    config = layer.getConfig() as Record<string, unknown>;
  } catch {
    return {};
  }
  const out: Record<string, ConfigValue> = {};
  for (const key of KEY_CONFIG) {
    const v = config[key];
    if (v === undefined) continue;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else out[key] = JSON.stringify(v);
  }
  return out;
}

function outputShapeOf(layer: Layer): LayerSummary['outputShape'] {
  try {
    return layer.outputShape as LayerSummary['outputShape'];
  } catch {
    // A layer applied in several graphs with different shapes has no single output shape.
    return [];
  }
}

/** The layer tree; totals equal `model.countParams()`. */
export function summarizeModel(model: tf.LayersModel, name?: string): ModelSummary {
  const layers: LayerSummary[] = leafLayers(model).map(({ layer, path, inbound }, index) => ({
    name: layer.name,
    className: layer.getClassName(),
    path,
    outputShape: outputShapeOf(layer),
    trainableParams: paramCount(layer.trainableWeights),
    nonTrainableParams: paramCount(layer.nonTrainableWeights),
    inbound,
    config: keyConfig(layer),
    hasWeights: layer.weights.length > 0,
    index,
  }));
  let defaultCut: string | null;
  try {
    defaultCut = findDefaultCut(model);
  } catch {
    defaultCut = null;
  }
  return {
    name: name ?? model.name,
    format: 'layers',
    layers,
    totalParams: model.countParams(),
    trainableParams: layers.reduce((s, l) => s + l.trainableParams, 0),
    inputShape: (model.inputs[0]?.shape ?? []) as (number | null)[],
    defaultCut,
  };
}
