import type { TrainEvent } from '../../shared/events';
import type { TrainSpec } from '../../shared/trainSpec';
import { tf } from '../tf';
import type { Rng } from '../util/rng';
import { EarlyStopping, ReduceOnPlateau, type Callback, type EpochLogs } from './callbacks';
import { fit, type FitResult, type LabelledSource } from './loop';
import { makeOptimizer } from './optimizer';
import { ProgressEvents } from './progress';

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
 * A cancel or early stop ends the run, not just the phase.
 */
export async function runPhases(options: PhasesOptions): Promise<PhasesResult> {
  const { spec } = options;
  const totalEpochs = options.phases.reduce((sum, p) => sum + p.epochs, 0);
  const history: EpochLogs[] = [];
  let stopReason: FitResult['stopReason'] = 'completed';
  let bestEpoch = 0;
  let epochsBefore = 0;
  for (const phase of options.phases) {
    options.freeze(phase.trainable);
    if (options.phases.length > 1) {
      options.emit({ type: 'log', level: 'info', message: `Phase "${phase.name}": ${phase.epochs} epochs at lr ${phase.learningRate}, ${phase.trainable.size} trainable layers` });
    }
    const optimizer = makeOptimizer(spec.optimizer, phase.learningRate, spec.momentum);
    const early = spec.earlyStoppingPatience > 0 ? new EarlyStopping(spec.earlyStoppingPatience) : undefined;
    // Order matters: the epoch event reports the lr the epoch used, and early
    // stopping judges an epoch before reduce-on-plateau changes the next one.
    const callbacks: Callback[] = [
      new ProgressEvents(options.emit, totalEpochs, undefined, undefined, epochsBefore),
      { onEpochEnd: (logs) => options.onEpoch?.(logs) },
    ];
    if (early) callbacks.push(early);
    if (spec.reduceOnPlateau.patience > 0) callbacks.push(new ReduceOnPlateau(spec.reduceOnPlateau.patience, spec.reduceOnPlateau.factor));
    try {
      const result = await fit({
        model: options.model,
        prefix: options.prefix,
        optimizer,
        train: options.train,
        validation: options.validation,
        batchSize: spec.batchSize,
        firstEpoch: epochsBefore + 1,
        lastEpoch: epochsBefore + phase.epochs,
        rng: options.rng,
        classWeights: options.classWeights,
        transform: options.transform,
        callbacks,
        signal: options.signal,
      });
      history.push(...result.history);
      stopReason = result.stopReason;
      bestEpoch = early && early.bestEpoch > 0 ? early.bestEpoch : lowestValLoss(history);
    } finally {
      optimizer.dispose();
    }
    epochsBefore += phase.epochs;
    if (stopReason !== 'completed') break;
  }
  return { history, stopReason, bestEpoch };
}

function lowestValLoss(history: EpochLogs[]): number {
  let best = history[0];
  for (const h of history) if (best === undefined || h.valLoss < best.valLoss) best = h;
  return best?.epoch ?? 0;
}
