// The shape of the Layers tree, computed once per model: which rows sit at
// the top, and which are children of a nested model (Layers) or of a name
// scope (Graph nodes, whose full name is `scope/…/leaf`). Rows are plain
// objects so the tree can answer getChildren in O(children) for 300+ layer
// models and graphs with thousands of nodes.
import type { LayerSummary, ModelSummary } from '../../shared/summary';

export type LayerNode =
  | { kind: 'totals' }
  | { kind: 'layer'; id: number }
  /** A nested model or name scope known only from its children's path (the summary has no row for it). */
  | { kind: 'group'; key: string; name: string; depth: number };

const SEP = '\u0000';

export class LayerTreeIndex {
  readonly totals: LayerNode = { kind: 'totals' };
  private readonly children = new Map<string, LayerNode[]>();
  private readonly layerNodes: LayerNode[] = [];
  /** Layer id → the key of the path its children live under (containers only). */
  private readonly containerKey = new Map<number, string>();

  constructor(summary: ModelSummary) {
    const keyOf = (parts: string[]) => parts.join(SEP);
    const add = (key: string, node: LayerNode) => {
      const list = this.children.get(key);
      if (list) list.push(node);
      else this.children.set(key, [node]);
    };
    // A Graph node's full name already holds its scope; a node named like a scope ('dense' next to 'dense/BiasAdd') holds that scope's rows.
    const ownPath = (layer: LayerSummary) => (summary.format === 'graph' ? layer.name.split('/') : [...layer.path, layer.name]);
    const rowFor = new Map<string, number>(); // full path key → layer id of a container row
    summary.layers.forEach((layer, id) => rowFor.set(keyOf(ownPath(layer)), id));
    const groups = new Set<string>();
    summary.layers.forEach((layer, id) => {
      // Make sure every enclosing level exists, as a container row or a synthetic group.
      for (let depth = 1; depth <= layer.path.length; depth++) {
        const key = keyOf(layer.path.slice(0, depth));
        if (rowFor.has(key)) {
          this.containerKey.set(rowFor.get(key)!, key);
        } else if (!groups.has(key)) {
          groups.add(key);
          add(keyOf(layer.path.slice(0, depth - 1)), { kind: 'group', key, name: layer.path[depth - 1], depth: depth - 1 });
        }
      }
      const node: LayerNode = { kind: 'layer', id };
      this.layerNodes[id] = node;
      add(keyOf(layer.path), node);
    });
  }

  roots(): LayerNode[] {
    return [this.totals, ...(this.children.get('') ?? [])];
  }

  childrenOf(node: LayerNode): LayerNode[] {
    if (node.kind === 'totals') return [];
    if (node.kind === 'group') return this.children.get(node.key) ?? [];
    const key = this.containerKey.get(node.id);
    return key === undefined ? [] : (this.children.get(key) ?? []);
  }

  hasChildren(node: LayerNode): boolean {
    return this.childrenOf(node).length > 0;
  }

  node(id: number): LayerNode | undefined {
    return this.layerNodes[id];
  }
}

/** The row's label: a Graph node shows the last segment of its name, since its scope is the parent row. */
export function rowLabel(summary: ModelSummary, layer: LayerSummary): string {
  return summary.format === 'graph' ? (layer.name.split('/').pop() ?? layer.name) : layer.name;
}

/** *Cut here* on a Graph node needs a 2-D or 4-D output: what a dense head, or global pooling, takes. */
export function canCutGraphAt(layer: LayerSummary): boolean {
  const shape = layer.outputShape;
  return !Array.isArray(shape[0]) && (shape.length === 2 || shape.length === 4);
}
