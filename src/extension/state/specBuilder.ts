// Builds the TrainSpec for a run from the host state, and says why not when
// something is missing. Pure; the result is validated by TrainSpecSchema, the
// same schema the trainer applies.
import { TrainSpecSchema, type BackendName, type TrainSpec } from '../../shared/trainSpec';
import { toTrainPlan } from './freezePlan';
import { datasetBlocker } from '../../shared/readiness';
import type { HostStore } from './store';

export type SpecResult = { ok: true; spec: TrainSpec } | { ok: false; reason: string };

export function buildSpec(store: HostStore, runsDir: string, backend: BackendName | undefined, threads?: number): SpecResult {
  const m = store.model;
  const plan = store.plan;
  if (!m || !plan) return { ok: false, reason: 'Open a model first.' };
  // A Graph model is a frozen feature extractor run up to the cut node: only a new head trains on its output.
  const graph = m.summary.format === 'graph';
  const data = store.dataset;
  const blocker = datasetBlocker(data?.view ?? null);
  if (!data || blocker) return { ok: false, reason: blocker ?? 'Choose a dataset folder first.' };
  const h = store.hyper;
  // Auto leaves them out: the engine's budget rule decides from the dataset's size.
  const epochs = h.epochs === 'auto' ? undefined : h.epochs;
  const parsed = TrainSpecSchema.safeParse({
    modelDir: m.dir,
    dataDir: data.dir,
    runsDir,
    cut: m.summary.layers[plan.cut]?.name,
    train: graph ? 'head' : toTrainPlan(m.planModel, plan),
    optimizer: h.optimizer,
    learningRate: h.learningRate,
    batchSize: h.batchSize,
    epochs,
    validationSplit: h.validationSplit,
    seed: h.seed,
    earlyStoppingPatience: h.earlyStoppingPatience === 'auto' ? undefined : h.earlyStoppingPatience,
    augment: h.augment,
    dropout: h.dropout,
    twoPhase: h.twoPhase ? { headEpochs: epochs === undefined ? h.headEpochs : Math.min(h.headEpochs, Math.max(1, epochs - 1)), lrMultiplier: h.lrMultiplier } : undefined,
    backend,
    inputRange: h.inputRange === 'auto' ? undefined : h.inputRange,
    batchNormMode: h.batchNormMode,
    threads,
    name: runName(m.summary.name),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `Invalid setting ${issue?.path.join('.')}: ${issue?.message}` };
  }
  return { ok: true, spec: parsed.data };
}

/** A run-folder label from the model name: `[\w.-]{1,64}`. */
export function runName(modelName: string): string {
  const cleaned = modelName.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned || 'run';
}
