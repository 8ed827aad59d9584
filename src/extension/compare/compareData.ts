// Reads what the comparison view needs through vscode.workspace.fs (so it
// works where the workspace is remote), and asks the trainer for the costs of
// runs that were not measured by a sweep.
import * as vscode from 'vscode';
import { SWEEP_JSON, SWEEP_RUNS, SweepFileSchema } from '../../shared/sweep';
import type { TrainPlan } from '../../shared/trainSpec';
import { TrainPlanSchema } from '../../shared/trainSpec';
import { runsState, sweepState, type Built, type RunFacts } from './compareModel';

const decoder = new TextDecoder();
/** Run files bigger than this are not files we wrote. */
const MAX_BYTES = 16 * 1024 * 1024;

async function readText(uri: vscode.Uri): Promise<string> {
  try {
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_BYTES) return '';
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return '';
  }
}

/** A sweep folder's comparison; a missing or damaged sweep.json is one line. */
export async function loadSweep(dir: string): Promise<Built> {
  const root = vscode.Uri.file(dir);
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(vscode.Uri.joinPath(root, SWEEP_JSON)));
  } catch {
    throw new Error(`${dir}: no readable ${SWEEP_JSON}`);
  }
  const parsed = SweepFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${dir}/${SWEEP_JSON}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const runs = vscode.Uri.joinPath(root, SWEEP_RUNS);
  const names = [...new Set(parsed.data.rows.map((r) => r.bestRunDir))];
  const metrics = new Map(await Promise.all(names.map(async (n) => [n, await readText(vscode.Uri.joinPath(runs, n, 'metrics.jsonl'))] as const)));
  const title = `Sweep ${dir.split(/[\\/]/).pop()}`;
  return sweepState(title, parsed.data, (n) => metrics.get(n) ?? '', (n) => vscode.Uri.joinPath(runs, n).fsPath);
}

/** A saved model's costs, or null when they cannot be measured (the caller logs why). */
export type CostsOf = (modelDir: string, plan: TrainPlan) => Promise<RunFacts['costs']>;

/**
 * Chosen runs' comparison; a run without a saved model has no costs (null),
 * not an error. Costs are asked for one run at a time: each request times
 * inference in the one utility trainer, and two at once would time each other.
 */
export async function loadRuns(dirs: string[], costsOf: CostsOf): Promise<Built> {
  const facts: RunFacts[] = [];
  for (const dir of dirs) facts.push(await runFacts(dir, costsOf));
  return runsState(facts);
}

async function runFacts(dir: string, costsOf: CostsOf): Promise<RunFacts> {
  const root = vscode.Uri.file(dir);
  let spec: Record<string, unknown> = {};
  try {
    spec = JSON.parse(await readText(vscode.Uri.joinPath(root, 'spec.json'))) as Record<string, unknown>;
  } catch {
    // shown with empty settings; the run's curve may still be there
  }
  const plan = TrainPlanSchema.safeParse(spec.train ?? 'head');
  const modelDir = vscode.Uri.joinPath(root, 'model');
  const hasModel = (await readText(vscode.Uri.joinPath(modelDir, 'model.json'))) !== '';
  const costs = hasModel && plan.success ? await costsOf(modelDir.fsPath, plan.data) : null;
  return { dir, name: dir.split(/[\\/]/).pop() ?? dir, spec, metrics: await readText(vscode.Uri.joinPath(root, 'metrics.jsonl')), costs };
}
