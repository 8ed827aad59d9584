// `finetune lr-find` and the dashboard's LR Finder: the same setup as a run
// (pipeline/setup.ts), then a sweep instead of training. No run folder is
// made; the feature cache spills, if it must, to a temp folder removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainEvent } from '../shared/events';
import type { LrFindResult } from '../shared/lrFind';
import type { TrainSpecInput } from '../shared/trainSpec';
import type { selectBackend } from './backend/select';
import { Rng } from './util/rng';
import { errorLine } from './train/errors';
import { findLearningRate, type SweepOptions } from './train/lrFinder';
import { makeOptimizer } from './train/optimizer';
import { Owner } from './pipeline/owner';
import { loadInputs, parseSpec, setUpRun } from './pipeline/setup';

export interface LrFindOptions {
  onEvent: (event: TrainEvent) => void;
  signal?: AbortSignal;
  sweep?: Partial<SweepOptions>;
  selectBackend?: typeof selectBackend;
}

/**
 * Sweeps the layers of the plan's first phase (for `fine-tune` and `gradual`,
 * the head, which is what trains first), in its layer groups: the sweep moves
 * the base rate, which is what the spec's learning rate sets.
 */
export async function runLrFind(input: TrainSpecInput, options: LrFindOptions): Promise<LrFindResult> {
  const emit = options.onEvent;
  const owner = new Owner();
  try {
    const spec = parseSpec(input);
    const setup = await setUpRun(spec, { emit, fromScratch: false, selectBackend: options.selectBackend }, owner);
    const cacheDir = owner.own(mkdtempSync(join(tmpdir(), 'finetune-lrfind-')), (dir) => rmSync(dir, { recursive: true, force: true }));
    const inputs = await loadInputs(spec, setup, { cacheDir, signal: options.signal, emit }, owner);
    const { model } = setup;
    const phase = model.phases[0];
    model.freeze(phase.trainable);
    emit({ type: 'log', level: 'info', message: `LR finder: sweeping ${phase.trainable.size} trainable layer(s) over up to ${options.sweep?.batches ?? 100} batches` });
    return await findLearningRate({
      model: model.trained,
      prefix: model.batchPrefix,
      train: inputs.train,
      batchSize: spec.batchSize,
      rng: new Rng(spec.seed),
      makeGroups: () => (phase.groups ?? [{ layers: undefined, lrMultiplier: 1 }]).map((g) => ({ layers: g.layers, lrMultiplier: g.lrMultiplier, optimizer: makeOptimizer(spec.optimizer, spec.learningRate * g.lrMultiplier, spec.momentum) })),
      sweep: options.sweep,
      signal: options.signal,
    });
  } catch (err) {
    emit({ type: 'error', message: errorLine(err) });
    throw err;
  } finally {
    owner.release();
  }
}
