// A run's cut and TrainPlan as the dashboard's freeze plan, so that opening a
// run from the comparison view ticks exactly the layers it trained. Pure.
import type { TrainPlan } from '../../shared/trainSpec';
import { initialPlan, withCut, withLayers, withPreset, withTopK, type FreezePlan, type PlanModel } from '../state/freezePlan';

/** The dashboard's freeze plan for a run's cut and TrainPlan. */
export function planFromSpec(model: PlanModel, cut: string | undefined, train: TrainPlan): FreezePlan {
  let plan = initialPlan(model);
  const cutId = cut === undefined ? undefined : model.idOf(cut);
  if (cutId !== undefined) plan = withCut(model, plan, cutId);
  if (train === 'head' || train === 'all') return withPreset(model, plan, train);
  if (typeof train === 'string') return withTopK(model, plan, Number(train.slice('top:'.length)));
  const ids = train.map((name) => model.idOf(name)).filter((id): id is number => id !== undefined);
  return withLayers(model, withPreset(model, plan, 'head'), ids, true);
}
