// Section: the freeze plan. Presets, the top-K slider, per-block toggles and
// the live trainable-parameter count, all rendered from the host's single
// plan (which the Layers tree shows too); every control sends a request and
// waits for the host's answer instead of changing anything locally.
import type { DashboardState, PlanView } from '../../shared/protocol/webview';
import { clear, counted, el, fullCount, setText } from '../dom';
import { send } from '../host';

type Checkbox = HTMLElement & { checked: boolean; indeterminate: boolean };

export class PlanSection {
  readonly root = el('section', { id: 'plan-section', class: 'card', 'aria-labelledby': 'plan-heading' });
  private readonly count = el('strong', { id: 'trainable-params' });
  private readonly countDetail = el('span', { id: 'trainable-detail', class: 'muted' });
  private readonly presets = el('vscode-radio-group', { id: 'preset', orientation: 'horizontal', 'aria-label': 'Freeze preset' }) as HTMLElement & { value: string };
  private readonly slider = el('input', { id: 'top-k', type: 'range', min: 0, max: 0, step: 1, value: 0, });
  private readonly sliderLabel = el('span', { id: 'top-k-label' });
  private readonly blocks = el('div', { id: 'blocks', class: 'blocks', role: 'group', 'aria-labelledby': 'blocks-heading' });
  /** Shown instead of the controls' meaning when they cannot apply (a Graph model). */
  private readonly note = el('p', { id: 'plan-note', class: 'note' });
  private blocksKey = '';
  private locked = false;
  /** True while render() sets control values, whose `change` events must not echo back to the host. */
  private syncing = false;

  constructor() {
    for (const [value, label] of [['head', 'Head only'], ['top', 'Top K'], ['all', 'All'], ['custom', 'Custom']] as const) {
      this.presets.append(el('vscode-radio', { value, id: `preset-${value}`, disabled: value === 'custom' }, label));
    }
    this.presets.addEventListener('change', () => {
      const v = this.presets.value;
      if (!this.locked && !this.syncing && (v === 'head' || v === 'top' || v === 'all')) send({ type: 'setPreset', preset: v });
    });
    this.slider.addEventListener('input', () => setText(this.sliderLabel, `K = ${this.slider.value}`));
    this.slider.addEventListener('change', () => send({ type: 'setTopK', k: Number(this.slider.value) }));
    this.root.append(
      el('h2', { id: 'plan-heading' }, 'Freeze plan'),
      el('p', { class: 'count-line' }, 'Trainable params: ', this.count, ' ', this.countDetail),
      this.note,
      this.presets,
      el('div', { class: 'field slider' }, el('label', { for: 'top-k' }, 'Top K trainable layers (nearest the cut)'), this.slider, this.sliderLabel),
      el('h3', { id: 'blocks-heading' }, 'Blocks'),
      this.blocks,
    );
  }

  render(state: DashboardState): void {
    const plan = state.plan;
    // A Graph model has no layers to unfreeze: it is a frozen feature extractor and only the new head trains.
    const graph = state.model?.format === 'graph';
    this.locked = !plan || graph || ['starting', 'running', 'stopping'].includes(state.run.phase);
    this.root.classList.toggle('locked', this.locked);
    // Disabled, not only ignored: a click on a locked preset must not show a plan the host never made.
    this.presets.toggleAttribute('disabled', this.locked);
    setText(this.note, graph ? 'Graph models are frozen feature extractors: only the new head trains, so the freeze controls are off.' : '');
    this.note.hidden = !graph;
    if (!plan) {
      setText(this.count, '–');
      setText(this.countDetail, 'Open a model to plan which layers train.');
      clear(this.blocks);
      return;
    }
    setText(this.count, fullCount(plan.trainableParams));
    setText(this.countDetail, detail(plan));
    this.syncing = true;
    if (this.presets.value !== plan.preset) this.presets.value = plan.preset;
    this.syncing = false;
    this.slider.max = String(plan.maxK);
    if (document.activeElement !== this.slider) this.slider.value = String(plan.topK);
    this.slider.disabled = this.locked;
    setText(this.sliderLabel, `K = ${plan.topK} of ${plan.maxK}`);
    this.renderBlocks(plan);
  }

  private renderBlocks(plan: PlanView): void {
    const key = plan.blocks.map((b) => `${b.id}:${b.name}`).join('|');
    if (key !== this.blocksKey) {
      this.blocksKey = key;
      clear(this.blocks);
      for (const block of plan.blocks) {
        const box = el('vscode-checkbox', { 'data-block': block.id }, `${block.name} (${block.weighted})`) as Checkbox;
        box.addEventListener('change', () => {
          if (this.locked || box.dataset.syncing === '1') return;
          send({ type: 'setBlock', blockId: block.id, trainable: box.checked });
        });
        this.blocks.append(box);
      }
    }
    for (const block of plan.blocks) {
      const box = this.blocks.querySelector<Checkbox>(`[data-block="${block.id}"]`);
      if (!box) continue;
      // Setting `checked` fires `change`; mark it so the handler does not echo it back.
      box.dataset.syncing = '1';
      box.checked = block.state === 'trainable';
      box.indeterminate = block.state === 'mixed';
      box.toggleAttribute('disabled', this.locked);
      delete box.dataset.syncing;
    }
  }
}

function detail(plan: PlanView): string {
  const head = plan.headParams === null ? 'head: known once a dataset is chosen' : `head ${fullCount(plan.headParams)}`;
  return `of ${fullCount(plan.totalParams)} · ${counted(plan.trainableLayers, 'base layer')} train · ${head} · cut at ${plan.cutName ?? '–'}`;
}
