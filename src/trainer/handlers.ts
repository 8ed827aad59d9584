// What each trainer request does. The engine is imported here and nowhere
// else in the trainer, so the host side stays free of tfjs.
import type { TrainEvent } from '../shared/events';
import type { ResultOf, TrainerMethod, TrainerRequest } from '../shared/protocol/trainer';
import { loadLayersModelFromDir } from '../engine/model/load';
import { summarizeModel } from '../engine/model/summary';
import { attachHead, findDefaultCut, resolveTrainable } from '../engine/model/transfer';
import { scanDataset } from '../engine/data/dataset';
import { loadGraphFeatureExtractor } from '../engine/model/graphModel';
import { detectModelFormat, listCatalog, pullModel } from '../engine/sources/resolve';
import { catalogCut } from '../engine/sources/catalogDefaults';
import { classify } from './engineRuns';
import { runWithOutcome } from './runOutcome';
import { abortAll, running } from './aborts';


export async function handle(request: TrainerRequest, emit: (event: TrainEvent) => void): Promise<ResultOf<TrainerMethod>> {
  switch (request.method) {
    case 'summarize': {
      if ((await detectModelFormat(request.params.modelDir)) === 'graph') {
        // A Graph model is a frozen feature extractor: validated, probed once, summarized.
        const extractor = await loadGraphFeatureExtractor(request.params.modelDir);
        try {
          return extractor.summary;
        } finally {
          extractor.dispose();
        }
      }
      const model = await loadLayersModelFromDir(request.params.modelDir);
      try {
        const summary = summarizeModel(model);
        return { ...summary, defaultCut: catalogCut(model, request.params.modelDir) ?? summary.defaultCut };
      } finally {
        model.dispose();
      }
    }
    case 'plan': {
      const { modelDir, cut, train: plan } = request.params;
      const base = await loadLayersModelFromDir(modelDir);
      try {
        const cutName = cut ?? catalogCut(base, modelDir) ?? findDefaultCut(base);
        // The class count does not change which base layers train; 2 keeps the head small.
        const full = attachHead(base, { cut: cutName, numClasses: 2, dropout: 0, seed: 0 });
        const trainable = resolveTrainable(full, plan);
        const trainableParams = full.layers.filter((l) => trainable.has(l.name)).reduce((n, l) => n + l.countParams(), 0);
        return { cut: cutName, trainableLayers: [...trainable], trainableParams, totalParams: full.countParams() };
      } finally {
        base.dispose();
      }
    }
    case 'health': {
      const { dataDir, validationSplit, seed } = request.params;
      return (await scanDataset(dataDir, { validationSplit, seed })).health;
    }
    case 'train':
    case 'resume':
      return runWithOutcome(request, emit);
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
