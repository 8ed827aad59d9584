// Folding inference-mode BatchNormalization into the convolution before it,
// for the frozen prefix that the feature cache runs with `predict`. tf.layers
// does not fuse BN, and on wasm it costs about as much as the convolutions
// themselves (MobileNetV2: 42% of the forward pass); folded, it is free.
//
//   BN(conv(x)) = a·(W*x + b − μ) + β,  a = γ/√(σ²+ε)
//               = (a·W)*x + (a·(b − μ) + β)
import { tf } from '../tf';
import { modelGraph, type GraphNode, type Layer, type SymbolicTensor } from './graph';

interface BnWeights {
  gamma?: tf.LayerVariable | null;
  beta?: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  epsilon: number;
  axis: number;
}

interface ConvLike {
  kernel?: tf.LayerVariable;
  depthwiseKernel?: tf.LayerVariable;
  bias?: tf.LayerVariable | null;
}

const FOLDABLE = new Set(['Conv2D', 'DepthwiseConv2D']);

let folds = 0;

function isFoldable(bnNode: GraphNode, producer: GraphNode | undefined, consumers: Map<SymbolicTensor, number>): producer is GraphNode {
  if (!producer || bnNode.layer.getClassName() !== 'BatchNormalization' || bnNode.inputs.length !== 1) return false;
  if (!FOLDABLE.has(producer.layer.getClassName()) || producer.outputs.length !== 1) return false;
  const config = producer.layer.getConfig() as { activation?: string; dataFormat?: string };
  const bn = bnNode.layer as unknown as BnWeights;
  const rank = bnNode.inputs[0].rank;
  return (
    config.activation === 'linear' &&
    config.dataFormat !== 'channelsFirst' &&
    (bn.axis === -1 || bn.axis === rank - 1) &&
    consumers.get(producer.outputs[0]) === 1
  );
}

/** A copy of the convolution with bias, computing conv followed by the (inference-mode) BN. */
function foldedLayer(conv: Layer, bnLayer: Layer): { layer: Layer; weights: tf.Tensor[] } {
  const bn = bnLayer as unknown as BnWeights;
  const c = conv as unknown as ConvLike;
  const depthwise = conv.getClassName() === 'DepthwiseConv2D';
  const config = { ...(conv.getConfig() as Record<string, unknown>), name: `${conv.name}_bnfold${++folds}`, useBias: true };
  const layer = depthwise ? tf.layers.depthwiseConv2d(config as never) : tf.layers.conv2d(config as never);
  const weights = tf.tidy(() => {
    const kernel = (depthwise ? c.depthwiseKernel : c.kernel)!.read();
    let a = tf.rsqrt(tf.add(bn.movingVariance.read(), bn.epsilon));
    if (bn.gamma) a = tf.mul(a, bn.gamma.read());
    // Output channel k of a depthwise conv is input channel k/mult, multiplier k%mult: a reshapes to [cin, mult].
    const scale = depthwise ? tf.reshape(a, [1, 1, kernel.shape[2] as number, kernel.shape[3] as number]) : a;
    const bias = c.bias ? c.bias.read() : tf.zerosLike(a);
    let b = tf.mul(tf.sub(bias, bn.movingMean.read()), a);
    if (bn.beta) b = tf.add(b, bn.beta.read());
    return [tf.mul(kernel, scale), b];
  });
  return { layer, weights };
}

/**
 * An inference-only copy of `model` with every Conv2D/DepthwiseConv2D → BN
 * pair (linear conv, channels last, conv output used only by the BN) folded
 * into one convolution. Other layers are shared with `model`. Use it for
 * `predict` on a frozen prefix, never for training: the folded weights are
 * copies. Nested models are kept as they are.
 */
export function foldBatchNorm(model: tf.LayersModel): { model: tf.LayersModel; folded: string[] } {
  const graph = modelGraph(model);
  const producer = new Map<SymbolicTensor, GraphNode>();
  const consumers = new Map<SymbolicTensor, number>();
  for (const node of graph) {
    for (const t of node.outputs) producer.set(t, node);
    for (const t of node.inputs) consumers.set(t, (consumers.get(t) ?? 0) + 1);
  }
  for (const t of model.outputs) consumers.set(t, (consumers.get(t) ?? 0) + 1);

  const pairs = new Map<GraphNode, GraphNode>(); // conv node → its BN node
  for (const node of graph) {
    const conv = producer.get(node.inputs[0]);
    if (isFoldable(node, conv, consumers)) pairs.set(conv, node);
  }
  const skipped = new Set(pairs.values());
  const mapped = new Map<SymbolicTensor, SymbolicTensor>();
  for (const t of model.inputs) mapped.set(t, t);
  const pending: { layer: Layer; weights: tf.Tensor[] }[] = [];
  for (const node of graph) {
    if (node.layer.getClassName() === 'InputLayer' || skipped.has(node)) continue;
    const args = node.inputs.map((t) => mapped.get(t)!);
    const bn = pairs.get(node);
    if (bn) {
      const fold = foldedLayer(node.layer, bn.layer);
      mapped.set(bn.outputs[0], fold.layer.apply(args[0]) as SymbolicTensor);
      pending.push(fold);
      continue;
    }
    const result = node.layer.apply(args.length === 1 ? args[0] : args, node.callArgs as Record<string, unknown>);
    const outs = Array.isArray(result) ? (result as SymbolicTensor[]) : [result as SymbolicTensor];
    node.outputs.forEach((t, i) => mapped.set(t, outs[i]));
  }
  // Layers get their weights once built, i.e. after apply().
  for (const { layer, weights } of pending) {
    layer.setWeights(weights);
    tf.dispose(weights);
  }
  const folded = tf.model({ inputs: model.inputs, outputs: model.outputs.map((t) => mapped.get(t)!), name: `${model.name}_folded${folds}` });
  return { model: folded, folded: [...pairs.values()].map((n) => n.layer.name) };
}
