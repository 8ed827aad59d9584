// What each trainer request does. The engine is imported here and nowhere
// else in the trainer, so the host side stays free of tfjs.
import type { TrainEvent } from '../shared/events';
import type { ResultOf, TrainerMethod, TrainerRequest } from '../shared/protocol/trainer';
import { loadLayersModelFromDir } from '../engine/model/load';
import { summarizeModel } from '../engine/model/summary';
import { scanDataset } from '../engine/data/dataset';
import { summarizeGraphModelDir } from '../engine/model/graphModel';
import { detectModelFormat, listCatalog, pullModel } from '../engine/sources/resolve';
import { catalogCut } from '../engine/sources/catalogDefaults';
import { throttleBatches } from './eventThrottle';
import { classify, resume, train } from './engineRuns';
import { runLrFind } from '../engine/lrFind';

/** The abort controllers of running trainings; `stop` and disconnect fire them. */
const running = new Set<AbortController>();

export function abortAll(): boolean {
  for (const c of running) c.abort();
  return running.size > 0;
}

export async function handle(request: TrainerRequest, emit: (event: TrainEvent) => void): Promise<ResultOf<TrainerMethod>> {
  switch (request.method) {
    case 'summarize': {
      if ((await detectModelFormat(request.params.modelDir)) === 'graph') {
        // A Graph model: validated, traced once on a zero image, summarized node by node.
        return summarizeGraphModelDir(request.params.modelDir);
      }
      const model = await loadLayersModelFromDir(request.params.modelDir);
      try {
        const summary = summarizeModel(model);
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
    case 'resume': {
      const controller = new AbortController();
      running.add(controller);
      const events = throttleBatches(emit);
      const options = { onEvent: events.push, signal: controller.signal };
      try {
        return await (request.method === 'train' ? train(request.params.spec, options) : resume(request.params.runDir, options));
      } finally {
        events.flush();
        running.delete(controller);
      }
    }
    case 'lrFind': {
      const controller = new AbortController();
      running.add(controller);
      try {
        return await runLrFind(request.params.spec, { onEvent: emit, signal: controller.signal });
      } finally {
        running.delete(controller);
      }
    }
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
