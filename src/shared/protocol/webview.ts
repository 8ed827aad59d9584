// The protocol between the extension host and the dashboard webview.
// The host owns all state. The page sends `ready` when it loads (also after
// being hidden and shown again, because retainContextWhenHidden is off), gets
// one `snapshot`, then `patch` and `metrics` deltas. The page names only ids
// the host issued (layer, block and file ids), never a path or a URI: no
// field below accepts one, and unknown keys are rejected.
import { z } from 'zod';
import type { ClassMetrics, LayerSignal } from '../events';
import type { HealthReport } from '../health';
import type { LrFindResult } from '../lrFind';
import { InputRangeSchema } from '../preprocessing';
import { AUTO, NUMBER_FIELDS, OPTIMIZERS, type AutoKey, type NumberKey } from '../hyperFields';
import { WARNING_IDS, type WarningId } from '../warnings';

// ---------------------------------------------------------------- page → host

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const real = (min: number, max: number) => z.number().finite().min(min).max(max);

/** A number field's schema, from the limits the page checks as the user types (hyperFields.ts). */
function limited(key: NumberKey) {
  const f = NUMBER_FIELDS[key];
  return f.kind === 'integer' ? int(f.min, f.max) : real(f.min, f.max);
}

/** A field the engine may decide: a number, or `auto` (left out of the run spec). */
const orAuto = (key: AutoKey) => z.union([limited(key), z.literal(AUTO)]);

/** Hyperparameters as the dashboard edits them; ranges match TrainSpecSchema. */
export const HyperparametersSchema = z
  .object({
    optimizer: z.enum(OPTIMIZERS),
    learningRate: limited('learningRate'),
    batchSize: limited('batchSize'),
    /** `auto`: the budget rule picks it from the dataset's size (shared/budget.ts). */
    epochs: orAuto('epochs'),
    validationSplit: limited('validationSplit'),
    /** `auto`: off when epochs are given, else the budget rule's patience. */
    earlyStoppingPatience: orAuto('earlyStoppingPatience'),
    twoPhase: z.boolean(),
    headEpochs: limited('headEpochs'),
    lrMultiplier: limited('lrMultiplier'),
    augment: z.boolean(),
    seed: limited('seed'),
    /** Dropout before the new head's dense layer. */
    dropout: limited('dropout'),
    /** The model's input range: `auto` takes it from the model (or asks, for a Keras file that says nothing), else a preset. */
    inputRange: z.enum(['auto', ...InputRangeSchema.options]),
    /** Trainable BatchNormalization: `inference` keeps its moving statistics (Keras' fine-tuning advice), `batch` normalises with each batch's. */
    batchNormMode: z.enum(['inference', 'batch']),
  })
  .strict();
export type Hyperparameters = z.infer<typeof HyperparametersSchema>;

/** A host-issued file id (confusion-matrix cells list files by id). */
export const FileIdSchema = z.string().regex(/^f\d{1,9}$/);
const layerId = int(0, 1_000_000);

const msg = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...shape }).strict();

/** Every message the page may send. */
export const WebviewToHostSchema = z.discriminatedUnion('type', [
  /** The page loaded (or came back from hidden) and wants a snapshot. */
  msg('ready', {}),
  /** Show the folder picker for a model folder. */
  msg('chooseModel', {}),
  /** Open the built-in demo model. */
  msg('openDemo', {}),
  /** Show the folder picker for a dataset folder. */
  msg('chooseDataset', {}),
  /** Apply a freeze preset: head only, top K weighted layers, or all. */
  msg('setPreset', { preset: z.enum(['head', 'top', 'all']) }),
  /** Set K of the top-K preset (and switch to it). */
  msg('setTopK', { k: int(0, 100_000) }),
  /** Make one layer trainable or frozen. */
  msg('setLayer', { layerId, trainable: z.boolean() }),
  /** Make every weighted layer of one block trainable or frozen. */
  msg('setBlock', { blockId: int(0, 100_000), trainable: z.boolean() }),
  /** Cut the model after this layer; the new head goes on its output. */
  msg('setCut', { layerId }),
  /** Change some hyperparameters (the user's own edits). */
  msg('setHyper', { values: HyperparametersSchema.partial() }),
  /** Replace the user's edits with the settings the open model suggests. */
  msg('useSuggested', {}),
  /** Start training with the current model, plan, dataset and hyperparameters. */
  msg('start', {}),
  /** Stop the running training at the next batch boundary. */
  msg('stop', {}),
  /** Sweep cut points with this model and dataset (the host asks for the grid). */
  msg('sweep', {}),
  /** Run the learning-rate finder on the current model, plan, dataset and hyperparameters; Stop cancels it. */
  msg('lrFind', {}),
  /** Set the learning rate to the LR finder's suggestion; `learningRate` is the value the page showed, refused if it is no longer the suggestion. */
  msg('useLrSuggestion', { learningRate: limited('learningRate') }),
  /** Apply the fix the host offers for one of its warnings (the host holds the fix; the page names the warning). */
  msg('applyWarningFix', { warning: z.enum(WARNING_IDS) }),
  /** List the files of one confusion-matrix cell. */
  msg('showCell', { actual: int(0, 100_000), predicted: int(0, 100_000) }),
  /** Open a file the host listed, by its id. */
  msg('openFile', { fileId: FileIdSchema }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

/** Validates a message from the page; never throws. */
export function parseWebviewMessage(raw: unknown): { ok: true; message: WebviewToHost } | { ok: false; error: string } {
  const parsed = WebviewToHostSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}

// ---------------------------------------------------------------- host → page

export interface LayerRow {
  /** Host-issued id (the layer's index). */
  id: number;
  name: string;
  className: string;
  params: number;
  hasWeights: boolean;
  trainable: boolean;
  /** After the cut: removed when the head is attached. */
  removed: boolean;
  depth: number;
}

export interface BlockRow {
  id: number;
  name: string;
  weighted: number;
  state: 'trainable' | 'frozen' | 'mixed';
}

export type Preset = 'head' | 'top' | 'all' | 'custom';

export interface PlanView {
  preset: Preset;
  topK: number;
  /** Weighted layers before the cut: the top-K slider's maximum. */
  maxK: number;
  cutId: number | null;
  cutName: string | null;
  /** Trainable params of the base (layers up to the cut). */
  baseTrainableParams: number;
  /** Params of the new head; null until the number of classes is known. */
  headParams: number | null;
  /** Base trainable + head. The number the tree and the dashboard both show. */
  trainableParams: number;
  /** Params of base up to the cut + head. */
  totalParams: number;
  trainableLayers: number;
  blocks: BlockRow[];
}

export interface ModelView {
  name: string;
  /** Something the user should know about how this model came to be open (e.g. opened for them). */
  note: string | null;
  format: 'layers' | 'graph';
  totalParams: number;
  layerCount: number;
  inputShape: (number | null)[];
  /** The model card, e.g. `Teachable Machine image model (2 classes: …)`; null when the folder names no classes. */
  card: string | null;
}

export interface DatasetView {
  label: string;
  path: string;
  scanning: boolean;
  error: string | null;
  health: HealthReport | null;
  /** The files the scan could not use, each with a host-issued id to open it (the first 200). */
  skippedFiles: { id: string; file: string; reason: string }[];
}

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'completed' | 'cancelled' | 'failed';

export interface RunView {
  phase: RunPhase;
  runName: string | null;
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  imagesPerSec: number | null;
  etaMs: number | null;
  backend: string | null;
  device: string | null;
  /** Preparation stage (decoding, features) with progress, or null. */
  stage: { name: string; done: number; total: number } | null;
  message: string | null;
  /** How the run ended, in the same words as its row in the Runs view; null while it runs. */
  outcome: string | null;
}

export interface ResultsView {
  labels: string[];
  matrix: number[][];
  perClass: ClassMetrics[];
  valAccuracy: number;
  valLoss: number;
  bestEpoch: number;
  stopReason: string;
  modelLabel: string;
}

/** Settings the open model suggests that differ from the user's own edits, kept until the user chooses. */
export interface SuggestionView {
  /** Who suggests them, e.g. "the demo model". */
  source: string;
  changes: { key: keyof Hyperparameters; yours: string; suggested: string }[];
}

/** The LR finder, as the host holds it: running with progress, or its last result. */
export interface LrFinderView {
  phase: 'running' | 'stopping' | 'done' | 'cancelled' | 'failed';
  /** Preparation stage (decoding, features) with progress, while running. */
  stage: { name: string; done: number; total: number } | null;
  /** One line: what it is doing, or why it failed. */
  message: string | null;
  result: LrFindResult | null;
}

/** Per-layer learning signal of the current or last run: one column per epoch, one row per trainable layer. */
export interface LayerSignalView {
  epochs: number[];
  rows: { layer: string; signal: (Omit<LayerSignal, 'layer'> | null)[] }[];
  /** Frozen layers checked by sha256 at the start and end of the run; null until the run has checked. */
  frozen: { verified: string[]; changed: string[] } | null;
}

/** The classic mistakes (shared/warnings.ts) of the next run, or of the run in progress or last run. */
export interface WarningsView {
  /** `nextRun`: checked before Start from the current choices; `run`: what the run itself reported. */
  source: 'nextRun' | 'run';
  /** A check of the next run is in flight. */
  checking: boolean;
  /** Why the last check failed, in one line; null when it did not. */
  error: string | null;
  items: { id: WarningId; message: string; fix: string | null }[];
}

export interface DashboardState {
  trusted: boolean;
  model: ModelView | null;
  layers: LayerRow[];
  plan: PlanView | null;
  hyper: Hyperparameters;
  dataset: DatasetView | null;
  run: RunView;
  results: ResultsView | null;
  suggestion: SuggestionView | null;
  lrFinder: LrFinderView | null;
  layerSignal: LayerSignalView | null;
  warnings: WarningsView;
}

export interface BatchPoint {
  /** Global batch number, from 1. */
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

/** Every message the host sends to the page. */
export type HostToWebview =
  /** The whole state and the complete metric history; the answer to `ready`. */
  | { type: 'snapshot'; state: DashboardState; batches: BatchPoint[]; epochs: EpochPoint[] }
  /** Some top-level sections changed. */
  | { type: 'patch'; state: Partial<DashboardState> }
  /** New metric points, appended to the history; `reset` clears it first (a new run). */
  | { type: 'metrics'; reset: boolean; batches: BatchPoint[]; epochs: EpochPoint[] }
  /** The files of one confusion-matrix cell, by host-issued id. */
  | { type: 'cellFiles'; actual: number; predicted: number; files: { id: string; name: string }[] }
  /** A one-line problem to show in the page. */
  | { type: 'notice'; level: 'info' | 'error'; message: string };
