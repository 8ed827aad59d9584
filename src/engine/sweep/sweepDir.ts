// A sweep's folder, `<runsDir>/<timestamp>-sweep-<name>/`: sweep.json (the
// record a resume continues from), sweep.csv (the rows, for spreadsheets) and
// runs/ (one ordinary run folder per member). Every write is atomic, so a
// kill at any moment leaves the last complete record.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SWEEP_CSV, SWEEP_JSON, SWEEP_RUNS, SweepFileSchema, type SweepFile } from '../../shared/sweep';
import { writeFileAtomicSync, writeJsonAtomicSync, writing } from '../run/atomic';
import { timestamp } from '../run/runDir';
import { TrainSetupError } from '../train/errors';
import { candidateRows, rowsCsv } from './rows';
import { summarize } from './recommend';

export class SweepDir {
  private constructor(readonly dir: string) {}

  static create(runsDir: string, name: string, date = new Date()): SweepDir {
    return writing('sweep folder in', runsDir, () => {
      const base = join(runsDir, `${timestamp(date)}-sweep-${name}`);
      let dir = base;
      for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
      mkdirSync(join(dir, SWEEP_RUNS), { recursive: true });
      return new SweepDir(dir);
    });
  }

  /** An existing sweep folder, its record checked; any problem is one line. */
  static open(dir: string): { sweep: SweepDir; record: SweepFile } {
    const file = join(dir, SWEEP_JSON);
    if (!existsSync(file)) throw new TrainSetupError(`${dir}: not a sweep folder (no ${SWEEP_JSON})`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new TrainSetupError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    const parsed = SweepFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TrainSetupError(`${file}: ${issue.path.join('.') || 'record'}: ${issue.message}`);
    }
    return { sweep: new SweepDir(dir), record: parsed.data };
  }

  /** Parent of the members' run folders (their spec's runsDir). */
  get runsDir(): string {
    return join(this.dir, SWEEP_RUNS);
  }

  /** Recomputes rows and summary from the members, then writes sweep.json and sweep.csv. */
  save(record: SweepFile): SweepFile {
    const rows = candidateRows(record.members);
    const next: SweepFile = { ...record, rows, summary: summarize(rows) };
    writeJsonAtomicSync(join(this.dir, SWEEP_JSON), next);
    writeFileAtomicSync(join(this.dir, SWEEP_CSV), rowsCsv(rows));
    return next;
  }
}
