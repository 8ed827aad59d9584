// `npm run bench -- --only sweep`: a head-only sweep over 4 cuts of
// MobileNetV2 against the same 4 runs on their own, all in this one run.
// The sweep shares one multi-output forward pass; each standalone run
// extracts its own features. The sweep also times inference for every
// member (standalone runs do not), so its wall time is reported with and
// without that timing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainSpecInput } from '../src/shared/trainSpec';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { autoCuts, thin } from '../src/engine/sweep/autoCuts';
import { measureInference } from '../src/engine/sweep/measure';
import { runSweep } from '../src/engine/sweep/runSweep';
import { selectBackend } from '../src/engine/backend/select';
import { timedRun } from './measure';
import type { Row } from './report';

export interface SweepBench {
  cuts: string[];
  standaloneSeconds: Record<string, number>;
  sweepSeconds: number;
  sweepInferenceTimingSeconds: number;
  sharedPassSeconds: number;
  rows: Row[];
}

export async function sweepBench(base: Omit<TrainSpecInput, 'runsDir' | 'cut' | 'train'> & { backend: 'wasm' | 'cpu' | 'tensorflow' }): Promise<SweepBench> {
  await selectBackend({ requested: base.backend });
  const model = await loadLayersModelFromDir(base.modelDir);
  const cuts = thin(autoCuts(model), 4);
  model.dispose();

  const standaloneSeconds: Record<string, number> = {};
  for (const cut of cuts) standaloneSeconds[cut] = (await timedRun({ ...base, cut, train: 'head' })).seconds;

  const runsDir = mkdtempSync(join(tmpdir(), 'ft-bench-sweep-'));
  let timing = 0;
  let sharedPass = 0;
  try {
    const started = performance.now();
    const { seed, ...shared } = base;
    await runSweep(
      { base: shared, runsDir, cuts, plans: ['head'], seeds: [seed ?? 42], name: 'bench' },
      {
        onEvent: (e) => void (e.type === 'sharedPass' && (sharedPass = e.ms / 1000)),
        measure: async (dir) => {
          const t = performance.now();
          const result = await measureInference(dir);
          timing += (performance.now() - t) / 1000;
          return result;
        },
      },
    );
    const sweepSeconds = (performance.now() - started) / 1000;
    const deepest = cuts[cuts.length - 1];
    const sum = Object.values(standaloneSeconds).reduce((a, b) => a + b, 0);
    const rows: Row[] = [
      ...cuts.map((cut) => ({ name: `MobileNetV2 head only at ${cut}, alone`, value: standaloneSeconds[cut], unit: 's' })),
      { name: `  sum of the ${cuts.length} runs alone`, value: sum, unit: 's' },
      { name: `  sweep of the same ${cuts.length} (one shared pass, ${sharedPass.toFixed(1)} s)`, value: sweepSeconds, unit: 's', note: `of which ${timing.toFixed(1)} s timing inference` },
      { name: '  ratio: sweep / sum alone', value: sweepSeconds / sum, unit: '×' },
      { name: `  ratio: sweep / deepest run alone (${deepest}; target ≤ 1.5)`, value: sweepSeconds / standaloneSeconds[deepest], unit: '×' },
      { name: '  same without the inference timing alone runs skip', value: (sweepSeconds - timing) / standaloneSeconds[deepest], unit: '×' },
    ];
    return { cuts, standaloneSeconds, sweepSeconds, sweepInferenceTimingSeconds: timing, sharedPassSeconds: sharedPass, rows };
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}
