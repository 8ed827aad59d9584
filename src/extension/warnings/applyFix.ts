// Applies a warning's fix (shared/warnings.ts: a patch of batchNormMode,
// learningRate or train) to what the host owns: the hyperparameters and the
// freeze plan. A fix arrives from the dashboard (by warning id), from a quick
// fix in the Problems panel, or from the command that quick fix runs, which
// anyone can call with anything: so the patch is validated first, every part
// is checked before any is applied, and a refused patch changes nothing.
import { z } from 'zod';
import { TrainChoiceSchema } from '../../shared/trainSpec';
import { NUMBER_FIELDS } from '../../shared/hyperFields';
import type { Hyperparameters } from '../../shared/protocol/webview';
import { withPreset, withTopK, type FreezePlan } from '../state/freezePlan';
import type { HostStore } from '../state/store';

const lr = NUMBER_FIELDS.learningRate;

/** The patch of a RunWarning's fix, as the dashboard can apply it; unknown keys are refused. */
export const WarningPatchSchema = z
  .object({
    batchNormMode: z.enum(['inference', 'batch']).optional(),
    learningRate: z.number().finite().min(lr.min).max(lr.max).optional(),
    train: TrainChoiceSchema.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'the fix changes nothing');

export type FixResult = { ok: true; changed: string[] } | { ok: false; error: string };

export function applyWarningPatch(store: HostStore, raw: unknown): FixResult {
  const parsed = WarningPatchSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `Not a fix this dashboard can apply: ${issue?.path.join('.') || 'patch'}: ${issue?.message ?? 'invalid'}` };
  }
  if (store.machine.active) return { ok: false, error: 'A run is in progress: apply the fix once it ends.' };
  const patch = parsed.data;
  let plan: FreezePlan | null = null;
  if (patch.train !== undefined) {
    const planned = planFor(store, patch.train);
    if (typeof planned === 'string') return { ok: false, error: planned };
    plan = planned;
  }
  const hyper: Partial<Hyperparameters> = {};
  if (patch.learningRate !== undefined) hyper.learningRate = patch.learningRate;
  if (patch.batchNormMode !== undefined) hyper.batchNormMode = patch.batchNormMode;
  // The fix is the user's choice, like an edit in the dashboard: no model suggestion overwrites it.
  if (Object.keys(hyper).length > 0) store.editHyper(hyper);
  if (plan) store.setPlan(plan);
  return { ok: true, changed: [...Object.keys(hyper), ...(plan ? ['train'] : [])] };
}

/** The freeze plan a `train` patch asks for, or why the dashboard's plan cannot express it. */
function planFor(store: HostStore, train: z.infer<typeof TrainChoiceSchema>): FreezePlan | string {
  const m = store.model;
  if (!m || !store.plan) return 'Open a model first: the fix changes which of its layers train.';
  if (train === 'head' || train === 'all') return withPreset(m.planModel, store.plan, train);
  const top = typeof train === 'string' ? /^top:(\d+)$/.exec(train) : null;
  if (top) return withTopK(m.planModel, store.plan, Number(top[1]));
  return `The dashboard's plan cannot take train ${JSON.stringify(train).slice(0, 80)}; set it by hand.`;
}
