// Blocks for the dashboard's per-block toggles. Well-known architectures name
// their layers by block (MobileNet `block_3_…`, ResNet `conv2_block1_…`,
// Inception `mixed4…`, EfficientNet `block2a_…`), and a nested model is a
// block of its own. When no such names exist, each weighted layer is a block,
// which is still a useful per-layer switch for small models.
import type { LayerSummary } from '../../shared/summary';

export interface Block {
  name: string;
  /** Ids of the selectable layers in the block, in model order. */
  layers: number[];
}

const BLOCK_NAME = /^(conv\d+_block\d+|block_?\d+[a-z]?|mixed_?\d+|stage_?\d+|layer\d+|res\d+[a-z]?|expanded_conv(?:_\d+)?)(?=[_/]|$)/i;

export function blockNameOf(layer: LayerSummary): string | null {
  if (layer.path.length > 0) return layer.path[0];
  return BLOCK_NAME.exec(layer.name)?.[1] ?? null;
}

export function computeBlocks(layers: readonly LayerSummary[], selectable: ReadonlySet<number>): Block[] {
  const blocks: Block[] = [];
  const byName = new Map<string, Block>();
  let current: Block | null = null;
  let named = 0;
  layers.forEach((layer, id) => {
    const name = blockNameOf(layer);
    if (name !== null) {
      let block = byName.get(name);
      if (!block) {
        block = { name, layers: [] };
        byName.set(name, block);
        blocks.push(block);
        named++;
      }
      current = block;
    } else if (current === null || blocks.length === 0) {
      // Layers before the first named block form the stem.
      current = { name: 'stem', layers: [] };
      byName.set('stem', current);
      blocks.push(current);
    }
    // A layer without a block name after a named block belongs to it (e.g. MobileNet's `Conv_1` tail would start a new one only if named).
    if (selectable.has(id)) current.layers.push(id);
  });
  if (named < 2) {
    return [...selectable].sort((a, b) => a - b).map((id) => ({ name: layers[id].name, layers: [id] }));
  }
  return blocks.filter((b) => b.layers.length > 0);
}
