// Model summaries for the extension's unit tests, shaped like the engine's.
import type { LayerSummary, ModelSummary } from '../../src/shared/summary';
import { HostStore } from '../../src/extension/state/store';
import type { Section } from '../../src/extension/state/dashboardView';

export function layer(index: number, name: string, className: string, params: number, extra: Partial<LayerSummary> = {}): LayerSummary {
  return {
    name,
    className,
    path: [],
    outputShape: [null, 10],
    trainableParams: params,
    nonTrainableParams: 0,
    inbound: [],
    config: {},
    hasWeights: params > 0,
    index,
    ...extra,
  };
}

/** The demo CNN: conv, conv, pool, dropout, flatten, dense, dropout, dense(5). */
export function demoSummary(): ModelSummary {
  const layers = [
    layer(0, 'conv2d', 'Conv2D', 320, { outputShape: [null, 26, 26, 32] }),
    layer(1, 'conv2d_1', 'Conv2D', 9248, { outputShape: [null, 24, 24, 32] }),
    layer(2, 'max_pooling2d', 'MaxPooling2D', 0, { outputShape: [null, 12, 12, 32] }),
    layer(3, 'dropout', 'Dropout', 0, { outputShape: [null, 12, 12, 32] }),
    layer(4, 'flatten', 'Flatten', 0, { outputShape: [null, 4608] }),
    layer(5, 'dense', 'Dense', 589_952, { outputShape: [null, 128] }),
    layer(6, 'dropout_1', 'Dropout', 0, { outputShape: [null, 128] }),
    layer(7, 'dense_1', 'Dense', 645, { outputShape: [null, 5] }),
  ];
  const total = layers.reduce((n, l) => n + l.trainableParams + l.nonTrainableParams, 0);
  return { name: 'demo-cnn', format: 'layers', layers, totalParams: total, trainableParams: total, inputShape: [null, 28, 28, 1], defaultCut: 'dropout_1' };
}

/** A MobileNet-like model with named blocks and BatchNormalization. */
export function blockySummary(blocks = 4): ModelSummary {
  const layers: LayerSummary[] = [layer(0, 'input_1', 'InputLayer', 0), layer(1, 'Conv1', 'Conv2D', 864, { outputShape: [null, 112, 112, 32] }), layer(2, 'bn_Conv1', 'BatchNormalization', 64, { nonTrainableParams: 64 })];
  for (let b = 1; b <= blocks; b++) {
    const i = layers.length;
    layers.push(
      layer(i, `block_${b}_expand`, 'Conv2D', 1000, { outputShape: [null, 7, 7, 64] }),
      layer(i + 1, `block_${b}_expand_BN`, 'BatchNormalization', 128, { nonTrainableParams: 128, outputShape: [null, 7, 7, 64] }),
      layer(i + 2, `block_${b}_expand_relu`, 'ReLU', 0, { outputShape: [null, 7, 7, 64] }),
    );
  }
  const i = layers.length;
  layers.push(layer(i, 'global_average_pooling2d', 'GlobalAveragePooling2D', 0, { outputShape: [null, 64] }), layer(i + 1, 'predictions', 'Dense', 65_000, { outputShape: [null, 1000] }));
  const total = layers.reduce((n, l) => n + l.trainableParams + l.nonTrainableParams, 0);
  return { name: 'blocky', format: 'layers', layers, totalParams: total, trainableParams: total, inputShape: [null, 224, 224, 3], defaultCut: `block_${blocks}_expand_relu` };
}

/** A model with a nested sub-model whose layers carry its name in `path`. */
export function nestedSummary(): ModelSummary {
  const layers = [
    layer(0, 'input', 'InputLayer', 0),
    layer(1, 'backbone', 'Functional', 300),
    layer(2, 'b_conv', 'Conv2D', 100, { path: ['backbone'] }),
    layer(3, 'b_dense', 'Dense', 200, { path: ['backbone'] }),
    layer(4, 'head', 'Dense', 50),
  ];
  return { name: 'nested', format: 'layers', layers, totalParams: 350, trainableParams: 350, inputShape: [null, 8], defaultCut: 'backbone' };
}

/** A store with the demo model open and its changes recorded, as the dashboard would see them. */
export function demoStore(): { store: HostStore; changes: Set<Section>[] } {
  const store = new HostStore();
  const changes: Set<Section>[] = [];
  store.subscribe({ changed: (c) => changes.push(c) });
  store.setModel('/models/demo', demoSummary());
  return { store, changes };
}

/** The demo store with a scanned dataset too: ready to Start. */
export function readyStore(): HostStore {
  const { store } = demoStore();
  store.setDataset('/data', 'data');
  store.setHealth('/data', null, null);
  return store;
}
