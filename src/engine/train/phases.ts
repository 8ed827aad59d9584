import type { TrainEvent } from '../../shared/events';
import type { TrainSpec } from '../../shared/trainSpec';
import { tf } from '../tf';
import type { Rng } from '../util/rng';
import { EarlyStopping, ReduceOnPlateau, type Callback, type EpochLogs } from './callbacks';
import { fit, type FitResult, type LabelledSource } from './loop';
import { makeOptimizer } from './optimizer';
import { ProgressEvents } from './progress';
import { CheckpointWriter } from './checkpointing';
import type { Checkpoint } from '../run/checkpoint';

/** One phase of a run: which layers train, for how many epochs, at which learning rate. */
export interface Phase {
  name: 'head' | 'plan';
  trainable: Set<string>;
  epochs: number;
  learningRate: number;
}

export interface PhasesOptions {
  spec: TrainSpec;
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
  signal?: AbortSignal;
  /** Write checkpoints/{last,best} under this folder after each epoch. */
  checkpoints?: { dir: string; specHash: string; onWritten?: (epoch: number) => void };
  /**
   * Continue from a checkpoint: its weights are already in the model and the
   * Rng was rebuilt from its state; this restores the optimizer, lr, callback
   * counters and history, and starts at the next epoch.
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
 * Runs the phases in order: with `twoPhase`, the head first, then the plan at a
 * lower learning rate (a fresh optimizer, as a Keras recompile would give).
 * A cancel ends the run; early stopping ends its phase (the head phase
 * converging early is the cue to start fine-tuning, not to stop).
 */
export async function runPhases(options: PhasesOptions): Promise<PhasesResult> {
  const { spec } = options;
  const totalEpochs = options.phases.reduce((sum, p) => sum + p.epochs, 0);
  const resumed = options.resume?.checkpoint.state;
  const history: EpochLogs[] = resumed ? [...resumed.history] : [];
  let stopReason: FitResult['stopReason'] = 'completed';
  // One clock for the whole run, so elapsed time and ETA span both phases.
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
    // Mid-phase: the optimizer and callbacks continue; at a phase boundary they start fresh.
    const midPhase = resumed !== undefined && resumed.epoch > epochsBefore;
    const firstEpoch = midPhase ? resumed.epoch + 1 : epochsBefore + 1;
    options.freeze(phase.trainable);
    if (options.phases.length > 1) {
      options.emit({ type: 'log', level: 'info', message: `Phase "${phase.name}": ${phase.epochs} epochs at lr ${phase.learningRate}, ${phase.trainable.size} trainable layers` });
    }
    const optimizer = makeOptimizer(spec.optimizer, midPhase ? resumed.learningRate : phase.learningRate, spec.momentum);
    const early = spec.earlyStoppingPatience > 0 ? new EarlyStopping(spec.earlyStoppingPatience) : undefined;
    const plateau = spec.reduceOnPlateau.patience > 0 ? new ReduceOnPlateau(spec.reduceOnPlateau.patience, spec.reduceOnPlateau.factor) : undefined;
    if (midPhase) {
      await optimizer.setWeights(options.resume!.checkpoint.optimizer);
      const saved = resumed.callbacks as { early?: ReturnType<EarlyStopping['getState']>; plateau?: ReturnType<ReduceOnPlateau['getState']> };
      if (early && saved.early) early.setState(saved.early, options.resume!.bestWeights);
      if (plateau && saved.plateau) plateau.setState(saved.plateau);
    }
    // Order matters: the epoch event reports the lr the epoch used, and early
    // stopping judges an epoch before reduce-on-plateau changes the next one.
    const callbacks: Callback[] = [
      new ProgressEvents(options.emit, totalEpochs, undefined, undefined, resumed?.epoch ?? 0, startedAt),
      { onEpochEnd: (logs) => options.onEpoch?.(logs) },
    ];
    if (early) callbacks.push(early);
    if (plateau) callbacks.push(plateau);
    const writer = options.checkpoints
      ? new CheckpointWriter({
          ...options.checkpoints,
          rng: options.rng,
          optimizer,
          phase: index,
          history: [...history],
          bestValLoss,
          callbackStates: () => ({ early: early?.getState(), plateau: plateau?.getState() }),
        })
      : undefined;
    if (writer) callbacks.push(writer);
    try {
      const result = await fit({
        model: options.model,
        prefix: options.prefix,
        optimizer,
        train: options.train,
        validation: options.validation,
        batchSize: spec.batchSize,
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
      optimizer.dispose();
    }
    epochsBefore = phaseEnd;
    if (stopReason === 'cancelled') break;
  }
  return { history, stopReason, bestEpoch };
}

function lowestValLoss(history: EpochLogs[]): number {
  let best = history[0];
  for (const h of history) if (best === undefined || h.valLoss < best.valLoss) best = h;
  return best?.epoch ?? 0;
}
