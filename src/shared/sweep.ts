// A sweep's record, `sweep.json` in the sweep folder: the grid it ran, one
// entry per member run (cut × plan × seed) and one row per candidate
// (cut × plan, its seeds aggregated). The engine writes it after every run,
// so a killed sweep resumes from it; the extension reads it for the Runs view
// and the comparison view. Checked at run time on both sides.
import { z } from 'zod';
import type { TrainEvent } from './events';
import { TrainPlanSchema, TrainSpecFieldsSchema } from './trainSpec';

/** Mean and sample standard deviation over a candidate's seeds (0 with one seed). */
export const SpreadSchema = z.object({ mean: z.number(), std: z.number() });
export type Spread = z.infer<typeof SpreadSchema>;

/** Inference time per image, in milliseconds, at batch 1 and batch 32, on the backend the sweep used. */
export const InferenceTimingSchema = z.object({ batch1Ms: z.number().nonnegative(), batch32Ms: z.number().nonnegative() });
export type InferenceTiming = z.infer<typeof InferenceTimingSchema>;

/** What one finished member run measured. */
export const MemberResultSchema = z.object({
  valAccuracy: z.number(),
  valLoss: z.number(),
  epochs: z.number().int().nonnegative(),
  /** Time inside the training loop (all epochs). */
  trainingMs: z.number().nonnegative(),
  /** Feature extraction this run waited on: its own, or its share of the sweep's one shared pass. */
  extractionMs: z.number().nonnegative(),
  /** True when its activations came from the sweep's shared pass instead of its own. */
  sharedFeatures: z.boolean(),
  trainableParams: z.number().int().nonnegative(),
  totalParams: z.number().int().nonnegative(),
  /** Bytes of the saved model folder. */
  modelBytes: z.number().int().nonnegative(),
  inference: InferenceTimingSchema,
});
export type MemberResult = z.infer<typeof MemberResultSchema>;

export const MemberSchema = z.object({
  /** `c<candidate>-s<seed>`, unique in the sweep. */
  id: z.string().regex(/^[\w.-]{1,64}$/),
  candidate: z.string().regex(/^c\d{1,4}$/),
  cut: z.string().min(1).max(256),
  plan: TrainPlanSchema,
  seed: z.number().int().min(0),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  /** The member's run folder, relative to the sweep folder; set once the run starts. */
  runDir: z.string().max(512).optional(),
  result: MemberResultSchema.optional(),
  /** One line, when it failed. */
  error: z.string().max(1000).optional(),
});
export type SweepMember = z.infer<typeof MemberSchema>;

/** One candidate (cut × plan) with its seeds aggregated: a row of sweep.csv. */
export const CandidateRowSchema = z.object({
  id: z.string().regex(/^c\d{1,4}$/),
  cut: z.string(),
  plan: TrainPlanSchema,
  seeds: z.number().int().min(1),
  valAccuracy: SpreadSchema,
  valLoss: SpreadSchema,
  trainingMs: z.number(),
  extractionMs: z.number(),
  trainableParams: z.number().int(),
  totalParams: z.number().int(),
  modelBytes: z.number().int(),
  inference: InferenceTimingSchema,
  /** The run folder (relative to the sweep folder) of its best seed: what a click opens. */
  bestRunDir: z.string(),
});
export type CandidateRow = z.infer<typeof CandidateRowSchema>;

export const SweepSummarySchema = z.object({
  /** The cheapest candidate (batch-1 inference) whose mean accuracy is within RECOMMEND_TOLERANCE of the best. */
  recommended: z.string().nullable(),
  /** Candidates no other beats on both accuracy and training time. */
  paretoTrainingTime: z.array(z.string()),
  /** Candidates no other beats on both accuracy and batch-1 inference time. */
  paretoInferenceTime: z.array(z.string()),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

export const SweepFileSchema = z.object({
  version: z.literal(1),
  /** Settings every member shares; each member adds cut, train, seed, name and runsDir. */
  base: TrainSpecFieldsSchema.omit({ cut: true, train: true, seed: true, name: true, runsDir: true, twoPhase: true }),
  grid: z.object({ cuts: z.array(z.string()).min(1), plans: z.array(TrainPlanSchema).min(1), seeds: z.array(z.number().int()).min(1), autoCuts: z.boolean() }),
  members: z.array(MemberSchema).min(1),
  /** The one forward pass that fed the shared-feature members, once it ran. */
  sharedPass: z.object({ images: z.number().int(), outputs: z.number().int(), ms: z.number() }).optional(),
  rows: z.array(CandidateRowSchema),
  summary: SweepSummarySchema,
});
export type SweepFile = z.infer<typeof SweepFileSchema>;

export const SWEEP_JSON = 'sweep.json';
export const SWEEP_CSV = 'sweep.csv';
/** Member run folders live here, inside the sweep folder. */
export const SWEEP_RUNS = 'runs';

/** A plan as one token: `head`, `top:2`, `all`, or layer names joined with `+`. */
export function planLabel(plan: z.infer<typeof TrainPlanSchema>): string {
  return typeof plan === 'string' ? plan : plan.join('+');
}

/** What a sweep reports while it works; the CLI prints it, the trainer forwards it to the host. */
export type SweepEvent =
  /** The grid is valid and the sweep folder exists; `members` runs in all, `todo` of them still to run. */
  | { type: 'sweepStart'; dir: string; members: number; todo: number; candidates: number }
  /** The shared forward pass finished: `outputs` cut activations for `images` images. */
  | { type: 'sharedPass'; images: number; outputs: number; ms: number }
  /** A member run starts or ends; `etaMs` is for the whole sweep, from the members timed so far. */
  | { type: 'member'; index: number; total: number; id: string; cut: string; plan: string; seed: number; status: 'start' | 'done' | 'failed'; etaMs: number | null; valAccuracy?: number; error?: string }
  /** An event of the member run now in progress. */
  | { type: 'run'; id: string; event: TrainEvent }
  /** The sweep stopped (all members ran, or it was cancelled) and its record is on disk. */
  | { type: 'sweepDone'; dir: string; cancelled: boolean; record: SweepFile };
