// Section: the model and its cut point.
import type { DashboardState, Hyperparameters } from '../../shared/protocol/webview';
import { clear, counted, el, fullCount, setText } from '../dom';
import { send } from '../host';

/** The input-range presets, as the CLI's --input-range names them. */
const INPUT_RANGES: [Hyperparameters['inputRange'], string][] = [
  ['auto', 'From the model'],
  ['0,1', '0 to 1'],
  ['-1,1', '−1 to 1'],
  ['0,255', '0 to 255'],
  ['caffe', 'caffe: BGR, ImageNet means subtracted'],
  ['torch', 'torch: ImageNet mean and std'],
];

export class ModelSection {
  readonly root = el('section', { id: 'model-section', class: 'card', 'aria-labelledby': 'model-heading' });
  private readonly summary = el('p', { id: 'model-summary', class: 'muted' });
  private readonly card = el('p', { id: 'model-card' });
  /** How the model came to be open, when the user did not open it themselves. */
  private readonly note = el('p', { id: 'model-note', class: 'note', role: 'status', hidden: true });
  private readonly cut = el('vscode-dropdown', { id: 'cut-select', 'aria-label': 'Cut after layer' }) as HTMLElement & { value: string };
  private readonly inputRange = el('vscode-dropdown', { id: 'input-range-select', 'aria-label': 'Input range' }) as HTMLElement & { value: string };
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
    for (const [value, label] of INPUT_RANGES) this.inputRange.append(el('vscode-option', { value }, label));
    this.inputRange.addEventListener('change', () => {
      const value = INPUT_RANGES.find(([v]) => v === this.inputRange.value)?.[0];
      if (value) send({ type: 'setHyper', values: { inputRange: value } });
    });
    this.root.append(
      el('h2', { id: 'model-heading' }, 'Model and cut point'),
      this.summary,
      this.card,
      this.note,
      el('div', { class: 'row' }, open, demo),
      el('div', { class: 'field' }, el('span', {}, 'Cut after layer (the new head goes on its output)'), this.cut),
      el('div', { class: 'field' }, el('span', {}, 'Input range (Keras files carry none)'), this.inputRange),
    );
  }

  render(state: DashboardState): void {
    const m = state.model;
    setText(this.summary, m ? `${m.name} · ${m.format} model · ${counted(m.layerCount, 'layer')} · ${fullCount(m.totalParams)} params · input [${m.inputShape.map((d) => d ?? '?').join(', ')}]` : 'No model is open.');
    setText(this.card, m?.card ?? '');
    this.card.hidden = !m?.card;
    setText(this.note, m?.note ?? '');
    this.note.hidden = !m?.note;
    const disabled = !m || state.run.phase === 'running' || state.run.phase === 'starting' || state.run.phase === 'stopping';
    this.cut.toggleAttribute('disabled', disabled);
    this.inputRange.toggleAttribute('disabled', disabled);
    if (this.inputRange.value !== state.hyper.inputRange) this.inputRange.value = state.hyper.inputRange;
    // Rebuild the options only when the layer list changes (not on every toggle).
    const key = `${m?.name}:${state.layers.length}`;
    if (key !== this.cutKey) {
      this.cutKey = key;
      clear(this.cut);
      // Any layer can be the cut, one inside a nested model too (the engine truncates that model there).
      for (const layer of state.layers) {
        this.cut.append(el('vscode-option', { value: String(layer.id) }, `${'· '.repeat(layer.depth)}${layer.name} (${layer.className})`));
      }
    }
    const cutId = state.plan?.cutId;
    if (cutId !== null && cutId !== undefined && this.cut.value !== String(cutId)) this.cut.value = String(cutId);
  }
}
