// What each trainer request does. The engine is imported here and nowhere
// else in the trainer, so the host side stays free of tfjs.
import type { TrainEvent } from '../shared/events';
import type { SweepEvent } from '../shared/sweep';
import type { ResultOf, TrainerMethod, TrainerRequest } from '../shared/protocol/trainer';
import { loadLayersModelFromDir } from '../engine/model/load';
import { summarizeModel } from '../engine/model/summary';
import { scanDataset } from '../engine/data/dataset';
import { summarizeGraphModelDir } from '../engine/model/graphModel';
import { detectModelFormat, listCatalog, pullModel } from '../engine/sources/resolve';
import { catalogCut } from '../engine/sources/catalogDefaults';
import { withFolderLabels } from '../engine/model/folderFacts';
import { classify } from './engineRuns';
import { sweep } from './sweepRuns';
import { runCosts } from '../engine/sweep/measure';
import { runWithOutcome } from './runOutcome';
import { abortAll, running } from './aborts';
import { runLrFind } from '../engine/lrFind';
import { checkRunWarnings } from '../engine/runWarningsCheck';
import { selectBackend } from '../engine/backend/select';


export async function handle(request: TrainerRequest, emit: (event: TrainEvent) => void, emitSweep: (event: SweepEvent) => void = () => undefined): Promise<ResultOf<TrainerMethod>> {
  switch (request.method) {
    case 'summarize': {
      if ((await detectModelFormat(request.params.modelDir)) === 'graph') {
        // A Graph model: validated, traced once on a zero image, summarized node by node.
        return withFolderLabels(await summarizeGraphModelDir(request.params.modelDir), request.params.modelDir);
      }
      const model = await loadLayersModelFromDir(request.params.modelDir);
      try {
        const summary = withFolderLabels(summarizeModel(model), request.params.modelDir);
        return { ...summary, defaultCut: catalogCut(model, request.params.modelDir) ?? summary.defaultCut };
      } finally {
        model.dispose();
      }
    }
    case 'health': {
      const { dataDir, validationSplit, seed } = request.params;
      return (await scanDataset(dataDir, { validationSplit, seed })).health;
    }
    case 'train':
    case 'resume':
      return runWithOutcome(request, emit);
    case 'sweep':
    case 'resumeSweep': {
      const controller = new AbortController();
      running.add(controller);
      try {
        return await sweep(request.method === 'sweep' ? { kind: 'start', request: request.params } : { kind: 'resume', dir: request.params.dir }, emitSweep, controller.signal);
      } finally {
        running.delete(controller);
      }
    }
    case 'runCosts':
      // Timed on the backend a run would use, as a sweep times its members.
      await selectBackend({ requested: request.params.backend });
      return runCosts(request.params.modelDir, request.params.plan);
    case 'lrFind': {
      const controller = new AbortController();
      running.add(controller);
      try {
        return await runLrFind(request.params.spec, { onEvent: emit, signal: controller.signal });
      } finally {
        running.delete(controller);
      }
    }
    case 'warnings':
      return checkRunWarnings(request.params.spec);
    case 'stop':
      return { stopping: abortAll() };
    case 'catalog': {
      const items = await listCatalog({ cacheDir: request.params.cacheDir, verifyHashes: false });
      return items.map((e) => ({ id: e.id, title: e.title, format: e.format, license: e.license, approxBytes: e.approxBytes, builtin: e.builtin === true, cached: e.cached }));
    }
    case 'pull': {
      const controller = new AbortController();
      running.add(controller);
      try {
        const { idOrUrl, cacheDir, proxy } = request.params;
        const pulled = await pullModel(idOrUrl, { cacheDir, proxy, signal: controller.signal });
        return { modelDir: pulled.dir, fromCache: pulled.fromCache };
      } finally {
        running.delete(controller);
      }
    }
    case 'classify': {
      const { modelDir, files, topK } = request.params;
      return classify(modelDir, files, topK);
    }
  }
}
