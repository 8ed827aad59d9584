// The scatter's cost axes: how each is named and printed.
import type { ComparePoint, CostAxis } from '../../shared/protocol/compare';
import { shortCount } from '../../shared/format';

export const AXIS_LABELS: Record<CostAxis, string> = {
  trainingMs: 'Training time',
  inferenceMs: 'Inference time per image (batch 1)',
  trainableParams: 'Trainable parameters',
  modelBytes: 'Saved model size',
};

export function costText(axis: CostAxis, value: number | null): string {
  if (value === null) return '—';
  switch (axis) {
    case 'trainingMs':
      return value < 10_000 ? `${(value / 1000).toFixed(2)} s` : `${(value / 1000).toFixed(0)} s`;
    case 'inferenceMs':
      return `${value.toPrecision(3)} ms`;
    case 'trainableParams':
      return shortCount(value);
    case 'modelBytes':
      return value < 1024 * 1024 ? `${(value / 1024).toFixed(0)} KiB` : `${(value / 1024 / 1024).toFixed(1)} MiB`;
  }
}

export function accuracyText(p: ComparePoint): string {
  if (p.valAccuracy === null) return '—';
  return `${(p.valAccuracy * 100).toFixed(1)}%${p.valAccuracyStd === null ? '' : ` ± ${(p.valAccuracyStd * 100).toFixed(1)}`}`;
}
