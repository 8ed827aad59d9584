import { z } from 'zod';
import { InputRangeSchema, PreprocessingSchema } from './preprocessing';

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

/**
 * `train` in a run spec: a plan, or a preset that also schedules the phases
 * (see phasePresets in the engine and the README): `fine-tune` trains the head
 * for one epoch, then everything with rates rising from lr/100 at the bottom
 * to lr at the top; `gradual` unfreezes one block per epoch from the top.
 */
export const TrainChoiceSchema = z.union([z.literal('fine-tune'), z.literal('gradual'), TrainPlanSchema]);
export type TrainChoice = z.infer<typeof TrainChoiceSchema>;

const finite = (min: number, max: number) => z.number().finite().min(min).max(max);
const epochCount = () => z.number().int().min(1).max(10_000);

/**
 * Layers that train at the phase's rate × `lrMultiplier`, with their own
 * optimizer state. `layers` selects like a plan; a layer belongs to the first
 * group that selects it, and a trainable layer no group selects trains at ×1.
 */
export const LayerGroupSchema = z.object({ layers: TrainPlanSchema, lrMultiplier: finite(1e-6, 10).default(1) });
export type LayerGroup = z.infer<typeof LayerGroupSchema>;

/** One phase: which layers train, for how many epochs, in which groups. */
export const PhaseSpecSchema = z.object({ train: TrainPlanSchema, epochs: epochCount(), groups: z.array(LayerGroupSchema).min(1).max(256).optional() });
export type PhaseSpec = z.infer<typeof PhaseSpecSchema>;

/**
 * Everything a run needs. Written to the run folder as `spec.json`, sent to
 * the trainer process, and hashed into checkpoints so a resume can tell that
 * it continues the same run.
 */
export const TrainSpecFieldsSchema = z.object({
  /** Folder holding `model.json`, or a Keras `.keras` / `.h5` / `.hdf5` file. */
  modelDir: z.string().min(1).max(4096),
  /** Dataset root: class folders, or train/validation[/test] of class folders. */
  dataDir: z.string().min(1).max(4096),
  /** Parent folder of run folders. */
  runsDir: z.string().min(1).max(4096),
  /** Layer to cut at; the new head goes on its output. Default: auto-detected. */
  cut: z.string().min(1).max(256).optional(),
  train: TrainChoiceSchema.default('head'),
  optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
  learningRate: finite(1e-8, 10).default(1e-3),
  /** SGD momentum. */
  momentum: finite(0, 0.999).default(0.9),
  batchSize: z.number().int().min(1).max(4096).default(32),
  /** Omitted: the budget rule picks it from the dataset's size (engine/train/budget.ts). */
  epochs: epochCount().optional(),
  validationSplit: finite(0.05, 0.9).default(0.2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  dropout: finite(0, 0.95).default(0.2),
  /**
   * Stop after this many epochs without a better validation loss; 0 disables. Best weights are restored.
   * Omitted: 0 when `epochs` is given, else the budget rule's patience.
   */
  earlyStoppingPatience: z.number().int().min(0).max(1000).optional(),
  /** Multiply the lr by `factor` after `patience` epochs without improvement; patience 0 disables. */
  reduceOnPlateau: z.object({ patience: z.number().int().min(0).max(1000), factor: finite(0.01, 0.99) }).default({ patience: 0, factor: 0.5 }),
  classWeights: z.enum(['none', 'balanced']).default('none'),
  /** `inference`: BatchNormalization always uses its moving statistics (Keras' fine-tuning advice). `batch`: unfrozen BN uses batch statistics. */
  batchNormMode: z.enum(['inference', 'batch']).default('inference'),
  augment: z.boolean().default(false),
  /** Replace `train` and `epochs` with an explicit schedule. */
  phases: z.array(PhaseSpecSchema).min(1).max(1000).optional(),
  /** Before `phases` (still read): the head for `headEpochs`, then the plan at lr × `lrMultiplier`. */
  twoPhase: z.object({ headEpochs: z.number().int().min(1).max(1000), lrMultiplier: finite(1e-4, 1) }).optional(),
  backend: BackendNameSchema.optional(),
  /** Threads for feature extraction and training on wasm (engine/parallel/extractPool.ts, trainPool.ts); omitted: every core. */
  threads: z.number().int().min(1).max(256).optional(),
  featureCache: z.enum(['auto', 'off']).default('auto'),
  preprocessing: PreprocessingSchema.optional(),
  /** Overrides the value range of whatever preprocessing applies; the way to answer a model that declares none. */
  inputRange: InputRangeSchema.optional(),
  /** Label for the run folder name. */
  name: z.string().regex(/^[\w.-]{1,64}$/).optional(),
});

/** The fields above, checked together, with an old `twoPhase` spec rewritten as `phases`. */
export const TrainSpecSchema = TrainSpecFieldsSchema
  .superRefine((spec, ctx) => {
    if (spec.twoPhase && (spec.train === 'fine-tune' || spec.train === 'gradual')) ctx.addIssue({ code: 'custom', path: ['twoPhase'], message: `twoPhase cannot be combined with the ${spec.train} preset` });
    if (spec.twoPhase && spec.phases) ctx.addIssue({ code: 'custom', path: ['twoPhase'], message: 'give phases or twoPhase, not both' });
  })
  .transform(({ twoPhase, ...spec }) => (twoPhase ? { ...spec, phases: twoPhasePhases(spec.train as TrainPlan, spec.epochs ?? DEFAULT_EPOCHS, twoPhase) } : spec));
export type TrainSpec = z.output<typeof TrainSpecSchema>;
export type TrainSpecInput = z.input<typeof TrainSpecSchema>;

/** The epochs an old `twoPhase` spec without `epochs` had (the default before the budget rule). */
const DEFAULT_EPOCHS = 10;

/** An old spec's `twoPhase` as phases: the head at lr, then the plan with every layer at lr × multiplier. */
function twoPhasePhases(train: TrainPlan, epochs: number, twoPhase: { headEpochs: number; lrMultiplier: number }): PhaseSpec[] {
  return [
    { train: 'head', epochs: twoPhase.headEpochs },
    { train, epochs, groups: [{ layers: 'all', lrMultiplier: twoPhase.lrMultiplier }] },
  ];
}
