// Section: the model and its cut point.
import type { DashboardState } from '../../shared/protocol/webview';
import { clear, counted, el, fullCount, setText } from '../dom';
import { send } from '../host';

export class ModelSection {
  readonly root = el('section', { id: 'model-section', class: 'card', 'aria-labelledby': 'model-heading' });
  private readonly summary = el('p', { id: 'model-summary', class: 'muted' });
  /** How the model came to be open, when the user did not open it themselves. */
  private readonly note = el('p', { id: 'model-note', class: 'note', role: 'status', hidden: true });
  private readonly cut = el('vscode-dropdown', { id: 'cut-select', 'aria-label': 'Cut after layer' }) as HTMLElement & { value: string };
  private cutKey = '';

  constructor() {
    const open = el('vscode-button', { id: 'choose-model', appearance: 'secondary' }, 'Open Model…');
    open.addEventListener('click', () => send({ type: 'chooseModel' }));
    const demo = el('vscode-button', { id: 'open-demo', appearance: 'secondary' }, 'Demo Model');
    demo.addEventListener('click', () => send({ type: 'openDemo' }));
    this.cut.addEventListener('change', () => {
      const id = Number(this.cut.value);
      if (Number.isInteger(id)) send({ type: 'setCut', layerId: id });
    });
    this.root.append(
      el('h2', { id: 'model-heading' }, 'Model and cut point'),
      this.summary,
      this.note,
      el('div', { class: 'row' }, open, demo),
      el('div', { class: 'field' }, el('span', {}, 'Cut after layer (the new head goes on its output)'), this.cut),
    );
  }

  render(state: DashboardState): void {
    const m = state.model;
    setText(this.summary, m ? `${m.name} · ${m.format} model · ${counted(m.layerCount, 'layer')} · ${fullCount(m.totalParams)} params · input [${m.inputShape.map((d) => d ?? '?').join(', ')}]` : 'No model is open.');
    setText(this.note, m?.note ?? '');
    this.note.hidden = !m?.note;
    const disabled = !m || state.run.phase === 'running' || state.run.phase === 'starting' || state.run.phase === 'stopping';
    this.cut.toggleAttribute('disabled', disabled);
    // Rebuild the options only when the layer list changes (not on every toggle).
    const key = `${m?.name}:${state.layers.length}`;
    if (key !== this.cutKey) {
      this.cutKey = key;
      clear(this.cut);
      for (const layer of state.layers) {
        if (layer.depth > 0) continue; // the cut is a top-level layer
        this.cut.append(el('vscode-option', { value: String(layer.id) }, `${layer.name} (${layer.className})`));
      }
    }
    const cutId = state.plan?.cutId;
    if (cutId !== null && cutId !== undefined && this.cut.value !== String(cutId)) this.cut.value = String(cutId);
  }
}
