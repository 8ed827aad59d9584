// Run-time schemas for the shared data types that cross a process boundary
// (model summaries, health reports, training events, run results). The
// TypeScript interfaces in src/shared stay the source of truth; the checks at
// the bottom fail to compile if a schema drifts from its interface.
import { z } from 'zod';
import type { BackendReport, ConfusionMatrix, RunResult, TrainEvent } from '../events';
import type { HealthReport } from '../health';
import type { ModelSummary } from '../summary';
import type { LrFindResult } from '../lrFind';
import { BackendNameSchema, TrainChoiceSchema } from '../trainSpec';
import { WARNING_IDS } from '../warnings';
import { SweepFileSchema, type SweepEvent } from '../sweep';

/** Longest string any field may hold: names, messages, paths. Bigger is an attack or a bug. */
export const MAX_TEXT = 8192;
/** Most rows in any list (layers, classes, files). */
export const MAX_ROWS = 200_000;

export const text = (max = MAX_TEXT) => z.string().max(max);
const num = () => z.number().finite();
const count = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const list = <T extends z.ZodType>(item: T, max = MAX_ROWS) => z.array(item).max(max);

// Losses may legitimately be NaN or Infinity in a diverging run: the event
// must still reach the user, so metric fields accept any number. JSON (the
// IPC serialization) turns NaN and Infinity into null, read back as NaN.
const metric = () => z.union([z.custom<number>((v) => typeof v === 'number'), z.null()]).transform((v) => (v === null ? Number.NaN : v));

const dim = z.number().int().min(0).nullable();
const shape = list(dim, 64);

export const LayerSummarySchema = z.object({
  name: text(1024),
  className: text(256),
  path: list(text(1024), 64),
  outputShape: z.union([shape, list(shape, 256)]),
  trainableParams: count(),
  nonTrainableParams: count(),
  inbound: list(text(1024), 4096),
  config: z.record(text(256), z.union([text(), num(), z.boolean(), z.null()])),
  hasWeights: z.boolean(),
  index: count(),
});

const WarningFixSchema = z.object({
  label: text(1024),
  patch: z.object({ batchNormMode: z.enum(['inference', 'batch']).optional(), learningRate: num().optional(), train: TrainChoiceSchema.optional() }),
});

/** One warning of shared/warnings.ts, as the `warnings` event and request carry it. */
export const RunWarningSchema = z.object({ id: z.enum(WARNING_IDS), message: text(), fix: WarningFixSchema.optional() });

const TensorSignatureSchema = z.object({ name: text(1024), shape, dtype: text(32) });

export const ModelSummarySchema = z.object({
  name: text(1024),
  format: z.enum(['layers', 'graph']),
  layers: list(LayerSummarySchema),
  totalParams: count(),
  trainableParams: count(),
  inputShape: shape,
  defaultCut: text(1024).nullable(),
  graph: z
    .object({ inputs: list(TensorSignatureSchema, 256), outputs: list(TensorSignatureSchema, 256), nodeCount: count() })
    .optional(),
  labels: z.object({ names: list(text(1024), 100_000), from: z.enum(['labels.json', 'teachable-machine']) }).optional(),
});

export const HealthReportSchema = z.object({
  root: text(),
  layout: z.enum(['classFolders', 'splitFolders']),
  classes: list(z.object({ name: text(1024), train: count(), validation: count(), test: count() }), 100_000),
  imbalanceRatio: z.number().min(0),
  skipped: list(z.object({ file: text(), reason: text(2048) })),
  crossSplitDuplicates: list(z.object({ hash: text(256), files: list(text(), 10_000) })),
  tooSmall: list(text(1024), 100_000),
  warnings: list(text(2048), 10_000),
  errors: list(text(2048), 10_000),
});

export const BackendReportSchema = z.object({
  name: BackendNameSchema,
  package: text(256),
  gpu: z.boolean(),
  adapter: z.object({ vendor: text(256), architecture: text(256), device: text(256), description: text(1024), software: z.boolean() }).optional(),
  skipped: list(z.object({ name: text(256), reason: text(2048) }), 64),
});

export const ConfusionMatrixSchema = z.object({
  labels: list(text(1024), 10_000),
  matrix: list(list(count(), 10_000), 10_000),
  files: list(list(list(text(), MAX_ROWS), 10_000), 10_000),
});

export const RunResultSchema = z.object({
  runDir: text(),
  modelDir: text(),
  backend: BackendNameSchema,
  epochs: count(),
  bestEpoch: count(),
  valAccuracy: num(),
  valLoss: metric(), // NaN when a run diverged
  confusion: ConfusionMatrixSchema,
  perClass: list(z.object({ label: text(1024), precision: num(), recall: num(), f1: num(), support: count() }), 10_000),
  stopReason: z.enum(['completed', 'earlyStopping', 'cancelled', 'diverged', 'finished']),
});


export const TrainEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn']), message: text() }),
  z.object({ type: z.literal('backend'), report: BackendReportSchema }),
  z.object({ type: z.literal('health'), report: HealthReportSchema }),
  z.object({
    type: z.literal('plan'),
    cut: text(1024),
    trainableLayers: list(text(1024)),
    trainableParams: count(),
    totalParams: count(),
    featureCache: z.boolean(),
    boundary: list(text(1024)),
  }),
  z.object({ type: z.literal('progress'), stage: z.enum(['decode', 'features']), done: count(), total: count(), etaMs: num().nullable() }),
  z.object({
    type: z.literal('batch'),
    epoch: count(),
    batch: count(),
    batchesPerEpoch: count(),
    loss: metric(),
    accuracy: metric(),
    lr: metric(),
    lrs: list(metric(), 1000).optional(),
    imagesPerSec: metric(),
  }),
  z.object({
    type: z.literal('epoch'),
    epoch: count(),
    epochs: count(),
    loss: metric(),
    accuracy: metric(),
    valLoss: metric(),
    valAccuracy: metric(),
    lr: metric(),
    lrs: list(metric(), 1000).optional(),
    layers: list(z.object({ layer: text(1024), gradNorm: metric(), updateRatio: metric() }), 10_000).optional(),
    elapsedMs: metric(),
    etaMs: metric(),
  }),
  z.object({
    type: z.literal('warnings'),
    items: list(RunWarningSchema, 100),
  }),
  z.object({ type: z.literal('runFolder'), dir: text(4096) }),
  z.object({ type: z.literal('frozen'), verified: list(text(1024)), changed: list(text(1024)) }),
  z.object({ type: z.literal('done'), result: RunResultSchema }),
  z.object({ type: z.literal('error'), message: text() }),
]);

/** Progress of a sweep, streamed like training events (see SweepEvent in shared/sweep.ts). */
export const SweepEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sweepStart'), dir: text(), members: count(), todo: count(), candidates: count() }),
  z.object({ type: z.literal('sharedPass'), images: count(), outputs: count(), ms: z.number() }),
  z.object({
    type: z.literal('member'),
    index: count(),
    total: count(),
    id: text(64),
    cut: text(1024),
    plan: text(),
    seed: count(),
    status: z.enum(['start', 'done', 'failed']),
    etaMs: z.number().nullable(),
    valAccuracy: z.number().optional(),
    error: text().optional(),
  }),
  z.object({ type: z.literal('run'), id: text(64), event: TrainEventSchema }),
  z.object({ type: z.literal('sweepDone'), dir: text(), cancelled: z.boolean(), record: SweepFileSchema }),
]);

export const LrFindResultSchema = z.object({
  points: list(z.object({ lr: num(), loss: num(), smoothedLoss: num() }), 100_000),
  end: z.enum(['diverged', 'completed', 'cancelled']),
  suggestion: z.object({ lr: num(), minLossLr: num(), rule: text(1024) }).nullable(),
});

// Compile-time drift checks: each schema's output must be assignable both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
/** @public Compile-time only: the build fails when a schema drifts from its type. */
export type SchemaDriftChecks = [
  Check<Same<z.infer<typeof ModelSummarySchema>, ModelSummary>>,
  Check<Same<z.infer<typeof HealthReportSchema>, HealthReport>>,
  Check<Same<z.infer<typeof BackendReportSchema>, BackendReport>>,
  Check<Same<z.infer<typeof ConfusionMatrixSchema>, ConfusionMatrix>>,
  Check<Same<z.infer<typeof RunResultSchema>, RunResult>>,
  Check<Same<z.infer<typeof TrainEventSchema>, TrainEvent>>,
  Check<Same<z.infer<typeof SweepEventSchema>, SweepEvent>>,
  Check<Same<z.infer<typeof LrFindResultSchema>, LrFindResult>>,
];
