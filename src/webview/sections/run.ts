// Section: Start / Stop, and the status line (phase, epoch, throughput, ETA,
// backend and device).
import type { DashboardState, RunView } from '../../shared/protocol/webview';
import { duration, el, setText } from '../dom';
import { send } from '../host';

export class RunSection {
  readonly root = el('section', { id: 'run-section', class: 'card' });
  private readonly start = el('vscode-button', { id: 'start' }, 'Start');
  private readonly stop = el('vscode-button', { id: 'stop', appearance: 'secondary' }, 'Stop');
  private readonly sweep = el('vscode-button', { id: 'sweep', appearance: 'secondary', title: 'Train several cut points and plans, then compare accuracy against cost' }, 'Sweep Cut Points…');
  private readonly ring = el('vscode-progress-ring', { id: 'run-ring', hidden: true });
  private readonly line = el('p', { id: 'run-status', class: 'status', 'aria-live': 'polite' });
  private readonly message = el('p', { id: 'run-message', class: 'muted' });

  constructor(private readonly headerLine: HTMLElement) {
    this.start.addEventListener('click', () => send({ type: 'start' }));
    this.stop.addEventListener('click', () => send({ type: 'stop' }));
    this.sweep.addEventListener('click', () => send({ type: 'sweep' }));
    this.root.append(el('h2', {}, 'Training'), el('div', { class: 'row' }, this.start, this.stop, this.sweep, this.ring), this.line, this.message);
  }

  render(state: DashboardState): void {
    const r = state.run;
    const active = r.phase === 'starting' || r.phase === 'running' || r.phase === 'stopping';
    // The attribute (not only the property) so that styling and tests see it at once.
    this.start.toggleAttribute('disabled', active || !state.model || !state.dataset || !state.trusted);
    this.stop.toggleAttribute('disabled', !active || r.phase === 'stopping');
    this.sweep.toggleAttribute('disabled', active || !state.model || !state.dataset || !state.trusted);
    this.ring.hidden = !active;
    const text = statusText(r);
    setText(this.line, text);
    setText(this.headerLine, state.trusted ? text : 'Restricted Mode: training is disabled until you trust this workspace.');
    setText(this.message, r.message ?? '');
    this.root.dataset.phase = r.phase;
  }
}

export function statusText(r: RunView): string {
  const parts: string[] = [];
  switch (r.phase) {
    case 'idle':
      return 'Ready. Choose a model, a dataset and a plan, then Start.';
    case 'starting':
      parts.push('Starting');
      break;
    case 'stopping':
      parts.push('Stopping');
      break;
    case 'completed':
      parts.push('Completed');
      break;
    case 'cancelled':
      parts.push('Stopped');
      break;
    case 'failed':
      parts.push('Failed');
      break;
    case 'running':
      parts.push(r.stage ? `${r.stage.name === 'features' ? 'Extracting features' : 'Decoding images'} ${r.stage.done}/${r.stage.total}` : 'Training');
  }
  if (r.epochs > 0 && r.epoch > 0) parts.push(`epoch ${r.epoch}/${r.epochs}`);
  if (r.batchesPerEpoch > 0 && r.phase === 'running' && !r.stage) parts.push(`batch ${r.batch}/${r.batchesPerEpoch}`);
  if (r.imagesPerSec !== null) parts.push(`${Math.round(r.imagesPerSec).toLocaleString('en-US')} img/s`);
  if (r.phase === 'running' || r.phase === 'starting') parts.push(`ETA ${duration(r.etaMs)}`);
  if (r.backend) parts.push(`backend ${r.backend}${r.device ? ` (${r.device})` : ''}`);
  return parts.join(' · ');
}
