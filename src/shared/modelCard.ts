// The one-line model card shown by the Layers tree and the dashboard: what
// kind of model this is and which classes it outputs, when its folder says.
import type { ModelLabels } from './summary';
import { fullCount } from './format';

/** Class names listed before the rest are summed up as "… and N more". */
const NAMES_SHOWN = 5;

const KIND: Record<ModelLabels['from'], string> = {
  'teachable-machine': 'Teachable Machine image model',
  'labels.json': 'Image classifier',
};

/** `Teachable Machine image model (2 classes: diseased leaves, healthy leaves)`; null without labels. */
export function modelCardText(labels: ModelLabels | undefined): string | null {
  if (!labels) return null;
  const { names } = labels;
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  const more = names.length > NAMES_SHOWN ? `, … and ${names.length - NAMES_SHOWN} more` : '';
  return `${KIND[labels.from]} (${fullCount(names.length)} ${names.length === 1 ? 'class' : 'classes'}: ${shown}${more})`;
}
