// The protocol between the extension host and the comparison webview (a
// sweep's candidates, or runs chosen in the Runs view). The host reads the
// run folders and sends one `state`; the page draws it and may ask to open a
// point's run, naming only the point id the host issued, never a path.
import { z } from 'zod';

const text = (max = 4096) => z.string().max(max);
/** NaN, Infinity and "not measured" all travel as null. */
const value = z.number().finite().nullable();

/** The cost axes the scatter can switch between. */
export const COST_AXES = ['trainingMs', 'inferenceMs', 'trainableParams', 'modelBytes'] as const;
export type CostAxis = (typeof COST_AXES)[number];

export const PointIdSchema = z.string().regex(/^p\d{1,6}$/);

export const ComparePointSchema = z.object({
  id: PointIdSchema,
  /** Short name: a sweep candidate id or a run folder name. */
  label: text(256),
  /** Cut and plan, or whatever tells this point apart. */
  detail: text(1024),
  valAccuracy: value,
  /** Standard deviation over seeds (sweep candidates with several seeds), else null. */
  valAccuracyStd: value,
  costs: z.object({ trainingMs: value, inferenceMs: value, trainableParams: value, modelBytes: value }),
  recommended: z.boolean(),
  /** Validation curve of the point's run (its best seed for a sweep candidate). */
  curve: z.array(z.object({ epoch: z.number().int().min(1), valAccuracy: value, valLoss: value })).max(10_000),
});
export type ComparePoint = z.infer<typeof ComparePointSchema>;

export const CompareStateSchema = z.object({
  title: text(512),
  kind: z.enum(['sweep', 'runs']),
  points: z.array(ComparePointSchema).max(2000),
  /** Settings side by side, one value per point (in point order); `differs` marks the rows worth reading. */
  config: z.array(z.object({ key: text(128), values: z.array(text(1024)), differs: z.boolean() })).max(200),
});
export type CompareState = z.infer<typeof CompareStateSchema>;

/** Host → page. */
export const HostToCompareSchema = z.discriminatedUnion('type', [
  /** Everything the page shows; sent after each `ready`. */
  z.object({ type: z.literal('state'), state: CompareStateSchema }),
]);
export type HostToCompare = z.infer<typeof HostToCompareSchema>;

/** Page → host. */
export const CompareToHostSchema = z.discriminatedUnion('type', [
  /** The page loaded (or came back from hidden) and wants the state. */
  z.object({ type: z.literal('ready') }).strict(),
  /** Open this point's run: its plan in the Layers view, its history in the dashboard. */
  z.object({ type: z.literal('openRun'), id: PointIdSchema }).strict(),
]);
export type CompareToHost = z.infer<typeof CompareToHostSchema>;
