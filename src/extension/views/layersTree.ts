// The Layers view: one row per layer, a totals row on top, nested models as
// children. The checkbox is the layer's trainable state in the single freeze
// plan held by the store; toggling it changes that plan, which the dashboard
// renders too. A Graph model shows one row per node, grouped by name scope,
// with its op; it has no checkboxes (only the head trains) but can be cut at
// any node with a 2-D or 4-D output.
import * as vscode from 'vscode';
import type { HostStore } from '../state/store';
import { planView, withLayers } from '../state/freezePlan';
import { LayerTreeIndex, canCutGraphAt, rowLabel, type LayerNode } from './layerTreeIndex';
import { layerIcon } from './layerIcons';
import { counted, fullCount, shapeText, shortCount } from './format';
import { modelCardText } from '../../shared/modelCard';
import type { ModelLabels } from '../../shared/summary';
import { signalDescription, signalTooltip } from './layerSignalText';

/** Class names listed in the model card's tooltip. */
const CARD_TOOLTIP_NAMES = 50;

export class LayersTreeProvider implements vscode.TreeDataProvider<LayerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LayerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private index: LayerTreeIndex | null = null;
  /** Bumped per model so row ids (and expansion state) never mix two models. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: HostStore) {
    this.unsubscribe = store.subscribe({
      changed: (sections) => {
        if (sections.has('model')) {
          this.index = store.model ? new LayerTreeIndex(store.model.summary) : null;
          this.generation++;
        }
        if (sections.has('model') || sections.has('layers') || sections.has('dataset') || sections.has('layerSignal')) this.changed.fire(undefined);
      },
    });
  }

  /** Applies checkbox changes from the view to the plan. */
  onCheckboxes(items: readonly (readonly [LayerNode, vscode.TreeItemCheckboxState])[]): void {
    const m = this.store.model;
    let plan = this.store.plan;
    if (!m || !plan) return;
    if (this.store.machine.active) {
      // The run trains with the plan it started with; put the checkboxes back.
      this.changed.fire(undefined);
      void vscode.window.showInformationMessage('Finetune: the freeze plan cannot change while training runs.');
      return;
    }
    for (const [node, state] of items) {
      if (node.kind !== 'layer') continue;
      plan = withLayers(m.planModel, plan, [node.id], state === vscode.TreeItemCheckboxState.Checked);
    }
    this.store.setPlan(plan);
  }

  getChildren(node?: LayerNode): LayerNode[] {
    if (!this.index) return [];
    return node ? this.index.childrenOf(node) : this.index.roots();
  }

  getTreeItem(node: LayerNode): vscode.TreeItem {
    const m = this.store.model;
    const plan = this.store.plan;
    if (!m || !plan || !this.index) return new vscode.TreeItem('');
    if (node.kind === 'totals') {
      const view = planView(m.planModel, plan, this.store.numClasses);
      const item = new vscode.TreeItem(m.summary.name || 'Model', vscode.TreeItemCollapsibleState.None);
      item.id = `${this.generation}:totals`;
      item.description = `${shortCount(view.trainableParams)} trainable of ${shortCount(view.totalParams)} params · cut at ${view.cutName ?? '–'}`;
      item.tooltip = new vscode.MarkdownString()
        .appendMarkdown('**Totals** (base up to the cut, plus the new head)\n\n')
        .appendText(`Trainable: ${fullCount(view.trainableParams)} params in ${counted(view.trainableLayers, 'layer')}\n`)
        .appendText(`Head: ${view.headParams === null ? 'known once a dataset is chosen' : fullCount(view.headParams)}\n`)
        .appendText(`Model total: ${fullCount(m.summary.totalParams)} params, ${counted(m.summary.layers.length, 'layer')}`);
      item.iconPath = new vscode.ThemeIcon('symbol-numeric');
      item.contextValue = 'totals';
      return item;
    }
    if (node.kind === 'card') return this.cardItem(m.summary.labels);
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${this.generation}:g:${node.key}`;
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'group';
      return item;
    }
    const layer = m.summary.layers[node.id];
    const graph = m.summary.format === 'graph';
    const params = layer.trainableParams + layer.nonTrainableParams;
    const removed = node.id > plan.cut;
    const isCut = node.id === plan.cut;
    const collapsible = this.index.hasChildren(node) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(rowLabel(m.summary, layer), collapsible);
    item.id = `${this.generation}:l:${node.id}`;
    const cutNote = isCut ? ' · ✂ cut' : removed ? (graph ? ' · after the cut' : ' · removed by cut') : '';
    // The run's learning signal for a trainable layer, and the checksum verdict for a frozen one.
    const signal = this.store.layerSignals.latest(layer.name);
    const frozen = this.store.layerSignals.frozenState(layer.name);
    item.description = `${signalDescription(signal, frozen)}${graph ? `${layer.className} · ` : ''}${shapeText(layer.outputShape)} · ${shortCount(params)} params${cutNote}`;
    const trainable = plan.trainable.has(node.id);
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown('**').appendText(layer.name).appendMarkdown('** — ').appendText(layer.className).appendMarkdown('\n\n');
    for (const [key, value] of Object.entries(layer.config)) tip.appendText(`${key}: ${String(value)}`).appendMarkdown('  \n');
    tip.appendMarkdown('\n').appendText(`Output: ${shapeText(layer.outputShape)}`).appendMarkdown('  \n');
    tip.appendText(`Params: ${fullCount(layer.trainableParams)} trainable in the file, ${fullCount(layer.nonTrainableParams)} frozen`).appendMarkdown('  \n');
    if (graph) tip.appendText(`Inputs: ${layer.inbound.join(', ') || 'none'}`).appendMarkdown('  \n');
    tip.appendText(removed ? (graph ? 'After the cut: not run' : 'Removed by the cut') : graph ? 'Frozen: only the new head trains' : trainable ? 'Trains in this plan' : 'Frozen in this plan');
    for (const line of signalTooltip(signal, frozen)) tip.appendMarkdown('  \n').appendText(line);
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon(layerIcon(layer.className), removed ? new vscode.ThemeColor('disabledForeground') : undefined);
    // A Graph model is one frozen extractor: nothing in it can be made to train, so no checkbox.
    if (m.planModel.selectable.has(node.id) && !removed && m.summary.format !== 'graph') {
      item.checkboxState = {
        state: trainable ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked,
        tooltip: trainable ? 'Trainable: uncheck to freeze' : 'Frozen: check to train',
        accessibilityInformation: { label: `${layer.name} ${trainable ? 'trainable' : 'frozen'}` },
      };
    }
    // Graph nodes take no freeze commands, and *Cut here* only where a head can go.
    item.contextValue = graph ? (isCut ? 'node-cut' : canCutGraphAt(layer) ? 'node-cuttable' : 'node') : removed ? 'layer-removed' : isCut ? 'layer-cut' : 'layer';
    return item;
  }

  /** The model card row: kind and classes in one line, every class name in the tooltip. */
  private cardItem(labels: ModelLabels | undefined): vscode.TreeItem {
    const item = new vscode.TreeItem(modelCardText(labels) ?? '', vscode.TreeItemCollapsibleState.None);
    item.id = `${this.generation}:card`;
    const names = labels?.names ?? [];
    const tip = new vscode.MarkdownString().appendMarkdown(`**Original classes** (the model's output, in order; the new head replaces them)\n\n`);
    tip.appendText(names.slice(0, CARD_TOOLTIP_NAMES).map((n, i) => `${i}: ${n}`).join('\n'));
    if (names.length > CARD_TOOLTIP_NAMES) tip.appendText(`\n… and ${names.length - CARD_TOOLTIP_NAMES} more`);
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon('tag');
    item.contextValue = 'modelCard';
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
