// Section: the per-layer learning signal as a heat strip: one row per
// trainable layer, one column per epoch, the colour the update ratio on a
// log scale (blue barely moves, green ~1e-3, red overwrites). It is a real
// table, so a screen reader reads each cell's value with its layer and epoch;
// the colour is only the sighted shortcut. Below it, the frozen-layer check.
import type { LayerSignalView } from '../../shared/protocol/webview';
import { clear, el, setText } from '../dom';
import { heatColor } from './heat';
import { shortExp } from '../../shared/format';

export class LayerStripSection {
  readonly root = el('section', { id: 'layer-strip-section', class: 'card', 'aria-labelledby': 'layer-strip-heading', hidden: true });
  private readonly table = el('table', { id: 'layer-strip', class: 'heat-strip' });
  private readonly frozen = el('p', { id: 'frozen-check' });

  constructor() {
    this.root.append(
      el('h2', { id: 'layer-strip-heading' }, 'What each layer learns'),
      el('p', { class: 'muted', id: 'layer-strip-legend' }, 'Update ratio per epoch (‖update‖ / ‖weights‖, log scale): blue barely moves (1e-6), green is the usual healthy order (1e-3), red overwrites the weights (1e-1).'),
      el('div', { class: 'heat-scroll' }, this.table),
      this.frozen,
    );
  }

  render(view: LayerSignalView | null): void {
    this.root.hidden = view === null;
    if (!view) return;
    clear(this.table);
    this.table.append(
      el('caption', { class: 'visually-hidden' }, 'Update ratio of each trainable layer (rows) in each epoch (columns)'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Layer'), ...view.epochs.map((e) => el('th', { scope: 'col' }, String(e))))),
    );
    const body = el('tbody');
    for (const row of view.rows) {
      const cells = row.signal.map((s, i) => {
        const label = s ? `${row.layer}, epoch ${view.epochs[i]}: update ratio ${shortExp(s.updateRatio)}, gradient norm ${shortExp(s.gradNorm)}` : `${row.layer}, epoch ${view.epochs[i]}: not measured`;
        const td = el('td', { title: label }, el('span', { class: 'visually-hidden' }, s ? shortExp(s.updateRatio) : '–'));
        // Set through the CSSOM: the page's CSP allows no inline style attributes.
        if (s) td.style.backgroundColor = heatColor(s.updateRatio);
        return td;
      });
      body.append(el('tr', { 'data-layer': row.layer }, el('th', { scope: 'row' }, row.layer), ...cells));
    }
    this.table.append(body);
    this.renderFrozen(view.frozen);
  }

  private renderFrozen(frozen: LayerSignalView['frozen']): void {
    this.frozen.className = frozen && frozen.changed.length > 0 ? 'notice error' : 'muted';
    this.frozen.setAttribute('role', frozen && frozen.changed.length > 0 ? 'alert' : 'status');
    if (!frozen) return setText(this.frozen, '');
    const verified = frozen.verified.length > 0 ? `✓ ${frozen.verified.length} frozen layer(s) verified unchanged (same sha256 at the start and end of the run): ${frozen.verified.join(', ')}.` : 'No frozen layer with weights to verify.';
    const changed = frozen.changed.length > 0 ? ` ⚠ Frozen layers whose weights CHANGED: ${frozen.changed.join(', ')}. This is a bug; please report it.` : '';
    setText(this.frozen, verified + changed);
  }
}
