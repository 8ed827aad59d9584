import type { TrainEvent } from '../../shared/events';
import type { TrainSpec } from '../../shared/trainSpec';
import { tf } from '../tf';
import type { Rng } from '../util/rng';
import { EarlyStopping, ReduceOnPlateau, callbackStates, restoreCallbackStates, type Callback, type EpochLogs } from './callbacks';
import { fit, type FitResult, type LabelledSource, type TrainGroup } from './loop';
import { getLearningRate, makeOptimizer } from './optimizer';
import { ProgressEvents } from './progress';
import { CheckpointWriter } from './checkpointing';
import { splitOptimizerWeights, type Checkpoint } from '../run/checkpoint';
import { LayerSignalRecorder } from './layerSignal';
import { describePlan, planMicroBatches } from './microBatch';
import { passLayout, trainingPool } from '../parallel/trainPool';
import { availableParallelism } from 'node:os';

/** Layers that train at the phase's learning rate × `lrMultiplier`, with their own optimizer state. */
export interface PhaseGroup {
  layers: ReadonlySet<string>;
  lrMultiplier: number;
}

/** One phase of a run: which layers train, for how many epochs, at which base learning rate. */
export interface Phase {
  /** For the log line, e.g. `head`, `all`. */
  name: string;
  trainable: Set<string>;
  epochs: number;
  learningRate: number;
  /** Omitted: one group over every trainable layer at the base rate. */
  groups?: PhaseGroup[];
}

/** A spec whose early-stopping patience the budget rule has settled (budget.ts). */
export type BudgetedSpec = TrainSpec & { earlyStoppingPatience: number };

export interface PhasesOptions {
  spec: BudgetedSpec;
  phases: Phase[];
  /** What trains: the suffix when the prefix is split off, else the whole model. */
  model: tf.LayersModel;
  prefix?: tf.LayersModel;
  /** Sets `trainable` (and pins BatchNormalization) on the whole model before each phase. */
  freeze: (trainable: Set<string>) => void;
  train: LabelledSource;
  validation: LabelledSource;
  rng: Rng;
  classWeights?: number[];
  transform?: (x: tf.Tensor, rng: Rng) => tf.Tensor;
  emit: (event: TrainEvent) => void;
  /** Called after every epoch, after the progress event (e.g. to append metrics.jsonl). */
  onEpoch?: (logs: EpochLogs) => void;
  /** The caller's own behaviours, run in every phase after the built-in ones; their states go into checkpoints. */
  callbacks?: Callback[];
  signal?: AbortSignal;
  /** Write checkpoints/{last,best} under this folder after each epoch. */
  checkpoints?: { dir: string; specHash: string; onWritten?: (epoch: number) => void };
  /**
   * Continue from a checkpoint: its weights are already in the model and the
   * Rng was rebuilt from its state; this restores the optimizers, lr, callback
   * states and history, and starts at the next epoch.
   */
  resume?: { checkpoint: Checkpoint; bestWeights?: tf.Tensor[] };
}

export interface PhasesResult {
  history: EpochLogs[];
  stopReason: FitResult['stopReason'];
  /** The epoch whose weights were kept (early stopping), else the epoch with the lowest validation loss. */
  bestEpoch: number;
}

/**
 * Runs the phases in order, each with fresh optimizers (one per layer group,
 * as a Keras recompile would give). A cancel ends the run; early stopping ends
 * its phase (the head phase converging early is the cue to start
 * fine-tuning, not to stop).
 */
export async function runPhases(options: PhasesOptions): Promise<PhasesResult> {
  const { spec } = options;
  const totalEpochs = options.phases.reduce((sum, p) => sum + p.epochs, 0);
  const resumed = options.resume?.checkpoint.state;
  const history: EpochLogs[] = resumed ? [...resumed.history] : [];
  const userCallbacks = options.callbacks ?? [];
  if (resumed) restoreCallbackStates(userCallbacks, resumed.callbacks);
  let stopReason: FitResult['stopReason'] = 'completed';
  // One clock for the whole run, so elapsed time and ETA span every phase.
  const startedAt = performance.now();
  let bestEpoch = 0;
  let epochsBefore = 0;
  let bestValLoss = (resumed?.callbacks.bestValLoss as number | null) ?? Infinity;
  for (const [index, phase] of options.phases.entries()) {
    const phaseEnd = epochsBefore + phase.epochs;
    if (resumed && resumed.epoch >= phaseEnd) {
      epochsBefore = phaseEnd; // finished before the interruption
      continue;
    }
    // Mid-phase: the optimizers and callbacks continue; at a phase boundary they start fresh.
    const midPhase = resumed !== undefined && resumed.epoch > epochsBefore;
    const firstEpoch = midPhase ? resumed.epoch + 1 : epochsBefore + 1;
    options.freeze(phase.trainable);
    const baseLr = midPhase ? resumed.learningRate : phase.learningRate;
    const groups: TrainGroup[] = (phase.groups ?? [{ layers: undefined, lrMultiplier: 1 }]).map((g) => ({
      layers: g.layers,
      lrMultiplier: g.lrMultiplier,
      optimizer: makeOptimizer(spec.optimizer, baseLr * g.lrMultiplier, spec.momentum),
    }));
    if (options.phases.length > 1 || groups.length > 1) options.emit({ type: 'log', level: 'info', message: describePhase(phase, groups) });
    const early = spec.earlyStoppingPatience > 0 ? new EarlyStopping(spec.earlyStoppingPatience) : undefined;
    const plateau = spec.reduceOnPlateau.patience > 0 ? new ReduceOnPlateau(spec.reduceOnPlateau.patience, spec.reduceOnPlateau.factor) : undefined;
    // Order matters: the epoch event reports the lr the epoch used and the
    // layer signal, early stopping judges an epoch before reduce-on-plateau
    // changes the next one, and the checkpoint is written last.
    const phaseCallbacks: Callback[] = [new LayerSignalRecorder(), new ProgressEvents(options.emit, totalEpochs, undefined, undefined, resumed?.epoch ?? 0, startedAt)];
    phaseCallbacks.push({ onEpochEnd: (logs) => options.onEpoch?.(logs) });
    if (early) phaseCallbacks.push(early);
    if (plateau) phaseCallbacks.push(plateau);
    const callbacks = [...phaseCallbacks, ...userCallbacks];
    if (midPhase) {
      const saved = splitOptimizerWeights(options.resume!.checkpoint.optimizer, groups.length);
      for (const [i, g] of groups.entries()) await g.optimizer.setWeights(saved[i]);
      restoreCallbackStates(phaseCallbacks, resumed.callbacks);
      early?.restoreBest(options.resume!.bestWeights);
    }
    const writer = options.checkpoints
      ? new CheckpointWriter({
          ...options.checkpoints,
          rng: options.rng,
          optimizers: groups.map((g) => g.optimizer),
          phase: index,
          history: [...history],
          bestValLoss,
          callbackStates: () => callbackStates(callbacks),
        })
      : undefined;
    if (writer) callbacks.push(writer);
    // Per phase: what trains, and so what a pass holds for the backward pass, changes with the freeze.
    const micro = await planMicroBatches(options.model, spec.batchSize);
    if (micro.count > 1) options.emit({ type: 'log', level: 'warn', message: describePlan(micro) });
    // Per phase too: each thread's copy of the model trains under this phase's freeze.
    const { pool, reason } = await trainingPool(options.model, { threads: spec.threads ?? availableParallelism(), batchSize: spec.batchSize, exampleBytes: micro.exampleBytes, passSize: micro.size, classWeights: options.classWeights });
    if (pool) {
      const { passes, passSize } = passLayout(spec.batchSize, micro.size, pool.threads);
      const split = `batch ${spec.batchSize} as ${passes} × ${passes * passSize === spec.batchSize ? '' : '≤'}${passSize}, ${passes / pool.threads} a thread`;
      options.emit({ type: 'log', level: 'info', message: `Training on ${pool.threads} threads: ${split} (one wasm instance each; their gradients add up to one update)` });
    }
    if (reason) options.emit({ type: 'log', level: 'info', message: `Training without the thread pool: ${reason}` });
    try {
      const result = await fit({
        model: options.model,
        prefix: options.prefix,
        groups,
        train: options.train,
        validation: options.validation,
        batchSize: spec.batchSize,
        microBatchSize: micro.size,
        pool,
        firstEpoch,
        lastEpoch: phaseEnd,
        rng: options.rng,
        classWeights: options.classWeights,
        transform: options.transform,
        callbacks,
        signal: options.signal,
      });
      history.push(...result.history);
      stopReason = result.stopReason;
      if (writer) bestValLoss = writer.bestValLoss;
      bestEpoch = early && early.bestEpoch > 0 ? early.bestEpoch : lowestValLoss(history);
    } finally {
      for (const g of groups) g.optimizer.dispose();
      await pool?.dispose();
    }
    epochsBefore = phaseEnd;
    // Early stopping ends a phase; anything else that stops ends the run.
    if (stopReason !== 'completed' && stopReason !== 'earlyStopping') break;
  }
  return { history, stopReason, bestEpoch };
}

function describePhase(phase: Phase, groups: TrainGroup[]): string {
  const rates = groups.map((g) => getLearningRate(g.optimizer).toPrecision(2)).join(', ');
  const layers = `${phase.trainable.size} trainable layer${phase.trainable.size === 1 ? '' : 's'}`;
  return `Phase "${phase.name}": ${phase.epochs} epoch${phase.epochs === 1 ? '' : 's'}, ${layers}, lr ${groups.length > 1 ? `${rates} (bottom to top group)` : rates}`;
}

function lowestValLoss(history: EpochLogs[]): number {
  let best: EpochLogs | undefined;
  for (const h of history) if (!Number.isNaN(h.valLoss) && (best === undefined || h.valLoss < best.valLoss)) best = h;
  return best?.epoch ?? 0;
}
