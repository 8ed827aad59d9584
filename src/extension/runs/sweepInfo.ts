// What the Runs view shows about a sweep folder: its member runs grouped
// under it, its status and its best figure. Pure, so the rules are tested.
import { planLabel, type SweepFile } from '../../shared/sweep';
import type { RunInfo } from './runInfo';

export interface SweepInfo {
  kind: 'sweep';
  /** The folder name, `<timestamp>-sweep-<name>`. */
  id: string;
  dir: string;
  /** `running` while this window runs it; `interrupted` while members are left (Resume continues it). */
  status: 'running' | 'completed' | 'interrupted';
  candidates: number;
  /** The best candidate by mean validation accuracy, once one has finished. */
  best: { label: string; valAccuracy: number } | null;
  members: RunInfo[];
}

export function isSweep(node: RunInfo | SweepInfo): node is SweepInfo {
  return (node as SweepInfo).kind === 'sweep';
}

export function sweepInfo(id: string, dir: string, record: SweepFile, members: RunInfo[], running: boolean): SweepInfo {
  const best = record.rows.reduce<SweepFile['rows'][number] | null>((a, r) => (a === null || r.valAccuracy.mean > a.valAccuracy.mean ? r : a), null);
  const left = record.members.some((m) => m.status !== 'done');
  return {
    kind: 'sweep',
    id,
    dir,
    status: running ? 'running' : left ? 'interrupted' : 'completed',
    candidates: new Set(record.members.map((m) => m.candidate)).size,
    best: best && { label: `${best.id}: ${best.cut} · ${planLabel(best.plan)}`, valAccuracy: best.valAccuracy.mean },
    members,
  };
}
