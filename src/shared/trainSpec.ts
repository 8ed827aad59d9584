import { z } from 'zod';
import { PreprocessingSchema } from './preprocessing';

/** Backend names as the user sees them; `tensorflow` is tfjs-node-gpu, then tfjs-node. */
export const BackendNameSchema = z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendNameSchema>;

/**
 * Which layers train, as typed on the CLI and sent by the dashboard:
 * `head`, `top:K`, `all`, or an explicit list of layer names.
 */
export const TrainPlanSchema = z.union([
  z.literal('head'),
  z.literal('all'),
  z.string().regex(/^top:\d{1,4}$/, 'expected top:K with K a whole number'),
  z.array(z.string().min(1).max(256)).max(10_000),
]);
export type TrainPlan = z.infer<typeof TrainPlanSchema>;

const finite = (min: number, max: number) => z.number().finite().min(min).max(max);

/**
 * Everything a run needs. Written to the run folder as `spec.json`, sent to
 * the trainer process, and hashed into checkpoints so a resume can tell that
 * it continues the same run.
 */
export const TrainSpecSchema = z.object({
  /** Folder holding `model.json`. */
  modelDir: z.string().min(1).max(4096),
  /** Dataset root: class folders, or train/validation[/test] of class folders. */
  dataDir: z.string().min(1).max(4096),
  /** Parent folder of run folders. */
  runsDir: z.string().min(1).max(4096),
  /** Layer to cut at; the new head goes on its output. Default: auto-detected. */
  cut: z.string().min(1).max(256).optional(),
  train: TrainPlanSchema.default('head'),
  optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
  learningRate: finite(1e-8, 10).default(1e-3),
  /** SGD momentum. */
  momentum: finite(0, 0.999).default(0.9),
  batchSize: z.number().int().min(1).max(4096).default(32),
  epochs: z.number().int().min(1).max(10_000).default(10),
  validationSplit: finite(0.05, 0.9).default(0.2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  dropout: finite(0, 0.95).default(0.2),
  /** Stop after this many epochs without a better validation loss; 0 disables. Best weights are restored. */
  earlyStoppingPatience: z.number().int().min(0).max(1000).default(0),
  /** Multiply the lr by `factor` after `patience` epochs without improvement; patience 0 disables. */
  reduceOnPlateau: z.object({ patience: z.number().int().min(0).max(1000), factor: finite(0.01, 0.99) }).default({ patience: 0, factor: 0.5 }),
  classWeights: z.enum(['none', 'balanced']).default('none'),
  /** `inference`: BatchNormalization always uses its moving statistics (Keras' fine-tuning advice). `batch`: unfrozen BN uses batch statistics. */
  batchNormMode: z.enum(['inference', 'batch']).default('inference'),
  augment: z.boolean().default(false),
  /** Phase 1 trains the head only for `headEpochs`, phase 2 unfreezes the plan with lr × `lrMultiplier`. */
  twoPhase: z.object({ headEpochs: z.number().int().min(1).max(1000), lrMultiplier: finite(1e-4, 1) }).optional(),
  backend: BackendNameSchema.optional(),
  featureCache: z.enum(['auto', 'off']).default('auto'),
  preprocessing: PreprocessingSchema.optional(),
  /** Label for the run folder name. */
  name: z.string().regex(/^[\w.-]{1,64}$/).optional(),
});
export type TrainSpec = z.infer<typeof TrainSpecSchema>;
export type TrainSpecInput = z.input<typeof TrainSpecSchema>;
