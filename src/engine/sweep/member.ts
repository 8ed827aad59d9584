// One member of a sweep: an ordinary run (its own run folder, spec.json,
// checkpoints, model), started fresh or resumed from its checkpoint, then
// measured: parameters, model size, inference time.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunResult, TrainEvent } from '../../shared/events';
import type { InferenceTiming, MemberResult, SweepFile, SweepMember } from '../../shared/sweep';
import { resumeTraining, runTraining, type RunTrainingOptions } from '../runTraining';
import { folderBytes } from './measure';

export interface MemberContext {
  base: SweepFile['base'];
  /** The sweep's runs/ folder. */
  runsDir: string;
  /** Options every member run gets (backend, shared features, signal). */
  runOptions: Omit<RunTrainingOptions, 'onEvent'>;
  onEvent: (event: TrainEvent) => void;
  measure: (modelDir: string) => Promise<InferenceTiming>;
  /** Called before measuring, so timing happens on the sweep's backend even if training moved to another. */
  restoreBackend: () => Promise<void>;
  /** Milliseconds of the shared pass attributed to each member that used it. */
  sharedPassShareMs: number;
}

export interface MemberOutcome {
  result: RunResult;
  measured: MemberResult;
  /** Folder name under runs/. */
  runDir: string;
}

/** The member's run folder under runs/ (`<timestamp>-<id>[-n]`), if its run got that far. */
export function findMemberRun(runsDir: string, id: string): string | undefined {
  if (!existsSync(runsDir)) return undefined;
  const pattern = new RegExp(`^\\d{8}-\\d{6}-${id.replace(/[.-]/g, '\\$&')}(-\\d+)?$`);
  return readdirSync(runsDir).filter((name) => pattern.test(name) && existsSync(join(runsDir, name, 'spec.json'))).sort().pop();
}

/**
 * Runs a member. One whose folder already has a checkpoint resumes from it;
 * one whose folder has none (killed before its first epoch ended) starts over
 * in a fresh folder.
 */
export async function runMember(member: SweepMember, ctx: MemberContext): Promise<MemberOutcome> {
  const stats = { trainableParams: 0, totalParams: 0, sharedFeatures: false, featuresFrom: 0, featuresMs: 0, trainingMs: 0 };
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'plan') Object.assign(stats, { trainableParams: e.trainableParams, totalParams: e.totalParams, sharedFeatures: e.featureCache });
    if (e.type === 'progress' && e.stage === 'features') {
      // A member that computes its own features reports their progress; one fed by the shared pass never does.
      if (stats.featuresFrom === 0) stats.featuresFrom = performance.now();
      stats.featuresMs = performance.now() - stats.featuresFrom;
      stats.sharedFeatures = false;
    }
    if (e.type === 'epoch') stats.trainingMs = e.elapsedMs;
    ctx.onEvent(e);
  };
  const options = { ...ctx.runOptions, onEvent };
  const existing = member.runDir ? join(ctx.runsDir, member.runDir) : undefined;
  const resumable = existing && existsSync(join(existing, 'checkpoints', 'last'));
  if (existing && !resumable) rmSync(existing, { recursive: true, force: true });
  const result = resumable
    ? await resumeTraining(existing, options)
    : await runTraining({ ...ctx.base, runsDir: ctx.runsDir, cut: member.cut, train: member.plan, seed: member.seed, name: member.id }, options);
  await ctx.restoreBackend();
  const measured: MemberResult = {
    valAccuracy: result.valAccuracy,
    valLoss: result.valLoss,
    epochs: result.epochs,
    trainingMs: stats.trainingMs,
    extractionMs: stats.sharedFeatures ? ctx.sharedPassShareMs : stats.featuresMs,
    sharedFeatures: stats.sharedFeatures,
    trainableParams: stats.trainableParams,
    totalParams: stats.totalParams,
    modelBytes: folderBytes(result.modelDir),
    inference: await ctx.measure(result.modelDir),
  };
  return { result, measured, runDir: basename(result.runDir) };
}
