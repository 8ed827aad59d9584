// Small measuring helpers for the benchmarks: wall time of a run, and the
// training throughput of a run that is stopped after a few batches (for the
// paths that would take hours to finish on 2 cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult, TrainEvent } from '../src/shared/events';
import type { TrainSpecInput } from '../src/shared/trainSpec';
import { runTraining } from '../src/engine/runTraining';

export interface TimedRun {
  seconds: number;
  result: RunResult;
  featureCache: boolean;
  /** Seconds from the end of feature extraction (or of decoding, without a cache) to the last epoch's end. */
  trainSeconds: number;
  epochsRun: number;
}

/** Runs training to the end and times it, and the training epochs within it. */
export async function timedRun(spec: Omit<TrainSpecInput, 'runsDir'>): Promise<TimedRun> {
  const runsDir = mkdtempSync(join(tmpdir(), 'ft-bench-'));
  let featureCache = false;
  let preparedAt = 0;
  let lastEpochAt = 0;
  let epochsRun = 0;
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'plan') featureCache = e.featureCache;
    if (e.type === 'progress' && e.done === e.total) preparedAt = performance.now();
    if (e.type === 'epoch') {
      lastEpochAt = performance.now();
      epochsRun++;
    }
  };
  const start = performance.now();
  try {
    const result = await runTraining({ ...spec, runsDir }, { onEvent });
    return { seconds: (performance.now() - start) / 1000, result, featureCache, trainSeconds: (lastEpochAt - preparedAt) / 1000, epochsRun };
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

export interface SampledRate {
  /** Training images per second, between the first measured batch and the last. */
  imagesPerSec: number;
  batches: number;
  featureCache: boolean;
  /** The run's log lines (e.g. the micro-batch split). */
  logs: string[];
  /** CPU time of this process (every thread) over wall time while measuring: the cores it really got on a shared machine. */
  coresBusy: number;
}

/**
 * Starts a run and stops it after `batches` + 1 training batches. The first
 * batch is warm-up; the rate counts the rest. Used where a full run would take
 * hours (the frozen network re-run on every batch), and reported as such.
 */
export async function sampledTrainingRate(spec: Omit<TrainSpecInput, 'runsDir'>, batches: number): Promise<SampledRate> {
  const runsDir = mkdtempSync(join(tmpdir(), 'ft-bench-'));
  const controller = new AbortController();
  const batchSize = spec.batchSize ?? 32;
  let seen = 0;
  let startAt = 0;
  let endAt = 0;
  let cpuAt = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  let featureCache = false;
  const logs: string[] = [];
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'plan') featureCache = e.featureCache;
    if (e.type === 'log') logs.push(e.message);
    if (e.type !== 'batch') return;
    seen++;
    if (seen === 1) {
      startAt = performance.now();
      cpuAt = process.cpuUsage();
    }
    if (seen === batches + 1) {
      endAt = performance.now();
      cpu = process.cpuUsage(cpuAt);
      controller.abort();
    }
  };
  try {
    // Batch events are throttled to ~8/s; at these speeds (seconds per batch) none is dropped.
    await runTraining({ ...spec, runsDir, epochs: 1000 }, { onEvent, signal: controller.signal }).catch(() => undefined);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
  if (endAt === 0) throw new Error(`the sampled run ended after ${seen} batch events, before ${batches + 1}`);
  return { imagesPerSec: (batches * batchSize) / ((endAt - startAt) / 1000), batches, featureCache, logs, coresBusy: (cpu.user + cpu.system) / 1000 / (endAt - startAt) };
}
