// `--cuts auto`: a handful of cut points worth comparing, found from the
// graph alone. Deeper cuts give more specific features and cost more; the
// sweep measures which trade-off wins, so the picks span the depth.
import type { tf } from '../tf';
import { modelGraph, type GraphNode } from '../model/graph';

/** At most this many cuts: a sweep should stay cheap. */
export const AUTO_CUTS_MAX = 5;

const MERGES = new Set(['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum']);
/** `block_16_project_BN` → `block_16`, `conv2_block1_0_bn` → `conv2_block1` (Keras application names). */
const BLOCK_NAME = /^(.*?block_?\d+)_/i;

/**
 * Candidate cuts, in depth order: block ends (a residual/concat merge, or the
 * last layer of a `…block<N>_…` name group), the layer before each pooling
 * layer, Flatten layers, and Dense layers other than the output. More than
 * AUTO_CUTS_MAX are thinned to evenly spaced picks that keep the deepest.
 */
export function autoCuts(base: tf.LayersModel): string[] {
  const graph = modelGraph(base);
  const producer = new Map<unknown, GraphNode>();
  for (const n of graph) for (const t of n.outputs) producer.set(t, n);
  const outputs = new Set(base.outputs.map((t) => producer.get(t)));
  const usable = (n: GraphNode | undefined): n is GraphNode => !!n && n.outputs.length === 1 && n.layer.getClassName() !== 'InputLayer' && !outputs.has(n);

  const picked = new Set<GraphNode>();
  const lastOfBlock = new Map<string, GraphNode>();
  for (const node of graph) {
    const cls = node.layer.getClassName();
    const block = BLOCK_NAME.exec(node.layer.name)?.[1];
    if (block) lastOfBlock.set(block, node); // topological order: the last write is the block's end
    if (MERGES.has(cls) || cls === 'Flatten' || cls === 'Dense') picked.add(node);
    if (cls.includes('Pooling')) for (const t of node.inputs) picked.add(producer.get(t)!);
  }
  for (const node of lastOfBlock.values()) picked.add(node);
  const ordered = graph.filter((n) => picked.has(n) && usable(n)).map((n) => n.layer.name);
  return thin(ordered, AUTO_CUTS_MAX);
}

/** `max` evenly spaced items of `items`, always including the last. */
export function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, k) => items[Math.round(((k + 1) * items.length) / max) - 1]);
}
