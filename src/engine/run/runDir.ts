import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainSpec } from '../../shared/trainSpec';
import type { EpochLogs } from '../train/callbacks';
import { writeFileAtomicSync, writeJsonAtomicSync, writing } from './atomic';
import { sha256 } from './checkpoint';

/** `20261129-014417` in UTC: run folders sort by start time. */
export function timestamp(date = new Date()): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/**
 * A run's folder, `<runsDir>/<timestamp>-<name>/`: `spec.json`,
 * `metrics.jsonl` (one line per epoch) and, at the end, `model/`.
 */
export class RunDir {
  private readonly metricLines: string[] = [];

  private constructor(readonly dir: string) {}

  /** Creates a fresh folder; a clash (two runs in the same second) gets a numeric suffix. */
  static create(runsDir: string, name: string, date = new Date()): RunDir {
    return writing('run folder in', runsDir, () => {
      mkdirSync(runsDir, { recursive: true });
      const base = join(runsDir, `${timestamp(date)}-${name}`);
      let dir = base;
      for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
      mkdirSync(dir);
      return new RunDir(dir);
    });
  }

  /** An existing run folder, for a resume. */
  static open(dir: string): RunDir {
    if (!existsSync(join(dir, 'spec.json'))) throw new Error(`${dir}: not a run folder (no spec.json)`);
    return new RunDir(dir);
  }

  get specFile(): string {
    return join(this.dir, 'spec.json');
  }

  /** sha256 of spec.json as written: checkpoints carry it so a resume never mixes runs. */
  specHash(): string {
    return sha256(readFileSync(this.specFile));
  }

  get checkpointsDir(): string {
    return join(this.dir, 'checkpoints');
  }

  /** On resume: keeps the metric lines of the epochs a checkpoint covers and drops any written after it. */
  restoreMetrics(upToEpoch: number): void {
    const file = join(this.dir, 'metrics.jsonl');
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
    this.metricLines.length = 0;
    for (const line of lines) {
      try {
        if ((JSON.parse(line) as { epoch: number }).epoch <= upToEpoch) this.metricLines.push(line);
      } catch {
        // a torn line cannot happen with atomic writes, but never let one block a resume
      }
    }
    writeFileAtomicSync(file, this.metricLines.map((l) => l + '\n').join(''));
  }

  get modelDir(): string {
    return join(this.dir, 'model');
  }

  get cacheDir(): string {
    return join(this.dir, 'cache');
  }

  writeSpec(spec: TrainSpec): void {
    writeJsonAtomicSync(join(this.dir, 'spec.json'), spec);
  }

  /**
   * Adds one epoch's line. The whole file is rewritten atomically (it is a few
   * hundred lines at most), so a crash never leaves a torn last line.
   */
  appendMetrics(logs: EpochLogs): void {
    this.metricLines.push(JSON.stringify({ time: new Date().toISOString(), ...logs }));
    writeFileAtomicSync(join(this.dir, 'metrics.jsonl'), this.metricLines.join('\n') + '\n');
  }
}
