// The protocol between the extension host and the trainer child process
// (dist/trainer.js, started with child_process.fork, JSON over the IPC
// channel). Requests are `{id, method, params}`; every request gets exactly
// one reply `{inReplyTo, result}` or `{inReplyTo, error}`. While `train`
// runs, the trainer also sends `event` notifications for it. Both sides
// validate everything they receive with the schemas below.
import { z } from 'zod';
import { BackendNameSchema, TrainPlanSchema, TrainSpecSchema } from '../trainSpec';
import { InferenceTimingSchema, SweepFileSchema } from '../sweep';
import { HealthReportSchema, LrFindResultSchema, ModelSummarySchema, RunResultSchema, RunWarningSchema, SweepEventSchema, TrainEventSchema, text } from './schemas';

const requestId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const path = text(4096).min(1);

export const ClassificationSchema = z.object({
  file: path,
  /** Best first; absent when the image could not be read. */
  top: z.array(z.object({ label: text(1024), probability: z.number().min(0).max(1) })).max(1000),
  /** Why this image was not classified. */
  error: text().optional(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

export const CatalogItemSchema = z.object({
  id: text(256),
  title: text(1024),
  format: z.enum(['layers', 'graph']),
  license: text(1024),
  approxBytes: z.number().int().min(0),
  builtin: z.boolean(),
  /** Present in the cache and intact. */
  cached: z.boolean(),
});

/** A sweep to start: shared settings plus the grid (trainer side: engine/sweep/runSweep.ts). */
export const SweepRequestSchema = z.object({
  base: SweepFileSchema.shape.base,
  runsDir: path,
  cuts: z.union([z.literal('auto'), z.array(text(1024).min(1)).max(100)]),
  plans: z.array(TrainPlanSchema).max(100),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).max(100),
  name: z.string().regex(/^[\w.-]{1,48}$/),
});
export type SweepRequestParams = z.infer<typeof SweepRequestSchema>;

/** Every request the host may send, keyed by method. */
export const TrainerRequestSchema = z.discriminatedUnion('method', [
  /** Load a model folder (Layers or Graph) and describe it. → ModelSummary */
  z.object({ id: requestId, method: z.literal('summarize'), params: z.object({ modelDir: path }) }),
  /** Scan a dataset folder and build its health report, before any training. → HealthReport */
  z.object({
    id: requestId,
    method: z.literal('health'),
    params: z.object({ dataDir: path, validationSplit: z.number().finite().min(0.05).max(0.9), seed: z.number().int().min(0).max(2 ** 31 - 1) }),
  }),
  /** Fine-tune; streams `event` notifications tagged with this id, then → RunResult. */
  z.object({ id: requestId, method: z.literal('train'), params: z.object({ spec: TrainSpecSchema }) }),
  /** Continue an interrupted run from its last good checkpoint; streams `event` notifications like `train`, then → RunResult. */
  z.object({ id: requestId, method: z.literal('resume'), params: z.object({ runDir: path }) }),
  /** Run a sweep; streams `sweepEvent` notifications tagged with this id, then → {dir, cancelled}. */
  z.object({ id: requestId, method: z.literal('sweep'), params: SweepRequestSchema }),
  /** Continue a sweep from its sweep.json (finished members skipped, the interrupted one resumed); streams like `sweep`. */
  z.object({ id: requestId, method: z.literal('resumeSweep'), params: z.object({ dir: path }) }),
  /** What a saved model costs: parameters (trainable under `plan`), bytes on disk, inference time per image on `backend` (auto when absent). */
  z.object({ id: requestId, method: z.literal('runCosts'), params: z.object({ modelDir: path, plan: TrainPlanSchema, backend: BackendNameSchema.optional() }) }),
  /** LR-finder sweep for a spec (no run folder); streams `event` notifications, then → LrFindResult. `stop` cancels it. */
  z.object({ id: requestId, method: z.literal('lrFind'), params: z.object({ spec: TrainSpecSchema }) }),
  /** The warnings (shared/warnings.ts) a run of this spec would get, from the run's own setup, without training. → RunWarning[] */
  z.object({ id: requestId, method: z.literal('warnings'), params: z.object({ spec: TrainSpecSchema }) }),
  /** Cancel the running `train` at the next batch boundary. → {stopping} (false when nothing ran) */
  z.object({ id: requestId, method: z.literal('stop'), params: z.object({}) }),
  /** The model catalog, with what is already in the cache. → CatalogItem[] */
  z.object({ id: requestId, method: z.literal('catalog'), params: z.object({ cacheDir: path }) }),
  /** Download a catalog entry (by id) or a model.json URL into the cache, verified; `stop` cancels it. → {modelDir, fromCache} */
  z.object({
    id: requestId,
    method: z.literal('pull'),
    params: z.object({ idOrUrl: text(4096).min(1), cacheDir: path, proxy: text(2048).optional() }),
  }),
  /** Top-K labels for images, with the model's own preprocessing. → Classification[] */
  z.object({
    id: requestId,
    method: z.literal('classify'),
    params: z.object({ modelDir: path, files: z.array(path).min(1).max(1000), topK: z.number().int().min(1).max(100) }),
  }),
]);
export type TrainerRequest = z.infer<typeof TrainerRequestSchema>;
export type TrainerMethod = TrainerRequest['method'];
export type ParamsOf<M extends TrainerMethod> = Extract<TrainerRequest, { method: M }>['params'];

/** The schema of each method's result, used by the host to validate replies. */
export const TrainerResultSchemas = {
  summarize: ModelSummarySchema,
  health: HealthReportSchema,
  train: RunResultSchema,
  resume: RunResultSchema,
  sweep: z.object({ dir: path, cancelled: z.boolean() }),
  resumeSweep: z.object({ dir: path, cancelled: z.boolean() }),
  runCosts: z.object({ trainableParams: z.number().int().min(0), totalParams: z.number().int().min(0), modelBytes: z.number().int().min(0), inference: InferenceTimingSchema }),
  lrFind: LrFindResultSchema,
  warnings: z.array(RunWarningSchema).max(100),
  stop: z.object({ stopping: z.boolean() }),
  classify: z.array(ClassificationSchema).max(1000),
  catalog: z.array(CatalogItemSchema).max(10_000),
  pull: z.object({ modelDir: path, fromCache: z.boolean() }),
} satisfies Record<TrainerMethod, z.ZodType>;
export type ResultOf<M extends TrainerMethod> = z.infer<(typeof TrainerResultSchemas)[M]>;

export const TrainerErrorSchema = z.object({
  /** One line, shown to the user. */
  message: text(),
  /** A stable code for the host to act on (e.g. `outOfMemory`, `modelFile`, `dataset`, `invalidRequest`). */
  code: text(64).optional(),
});
export type TrainerError = z.infer<typeof TrainerErrorSchema>;

/** Everything the trainer may send. Result payloads are checked per method by the host. */
export const TrainerMessageSchema = z.union([
  /** The trainer is up and listening; sent once, first. */
  z.object({ method: z.literal('ready'), params: z.object({ pid: z.number().int() }) }),
  /** A training event for the `train` request `requestId`. */
  z.object({ method: z.literal('event'), params: z.object({ requestId, event: TrainEventSchema }) }),
  /** A sweep event for the `sweep` or `resumeSweep` request `requestId`. */
  z.object({ method: z.literal('sweepEvent'), params: z.object({ requestId, event: SweepEventSchema }) }),
  /** The failure of request `inReplyTo`. */
  z.object({ inReplyTo: requestId, error: TrainerErrorSchema }),
  /** The result of request `inReplyTo`; validated against TrainerResultSchemas[method]. */
  z.object({ inReplyTo: requestId, result: z.unknown() }),
]);

/** Default time a request may take before the host gives up on it (ms). `train` has none. */
export const TRAINER_TIMEOUTS: Record<TrainerMethod, number | null> = {
  summarize: 120_000,
  health: 300_000,
  train: null,
  resume: null,
  sweep: null,
  resumeSweep: null,
  runCosts: 120_000,
  lrFind: null, // about 100 batches, after decoding and feature extraction; the user cancels
  // Opens the model and scans the dataset as a run does (hashing every image for duplicates), but decodes none.
  warnings: 300_000,
  stop: 15_000,
  classify: 120_000,
  catalog: 60_000,
  pull: null, // downloads take as long as they take; the user cancels
};

