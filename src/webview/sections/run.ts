// Section: the run's details: the status line (phase, epoch, throughput, ETA,
// backend and device) and the latest message. Start and Stop live in the
// action bar (actions.ts), which stays on screen.
import type { DashboardState, RunView } from '../../shared/protocol/webview';
import { duration, el, setText } from '../dom';

export class RunSection {
  readonly root = el('section', { id: 'run-section', class: 'card', 'aria-labelledby': 'run-heading' });
  private readonly line = el('p', { id: 'run-status', class: 'status' });
  private readonly message = el('p', { id: 'run-message', class: 'muted' });

  constructor(private readonly headerLine: HTMLElement) {
    this.root.append(el('h2', { id: 'run-heading' }, 'Training'), this.line, this.message);
  }

  render(state: DashboardState): void {
    const r = state.run;
    const text = statusText(r);
    setText(this.line, text);
    setText(this.headerLine, state.trusted ? text : 'Restricted Mode: training is disabled until you trust this workspace.');
    // The outcome is the status line itself; repeating it below says nothing new.
    setText(this.message, r.message && r.message !== r.outcome ? r.message : '');
    this.root.dataset.phase = r.phase;
  }
}

const ENDED = new Set<RunView['phase']>(['completed', 'cancelled', 'failed']);

export function statusText(r: RunView): string {
  const parts: string[] = [];
  switch (r.phase) {
    case 'idle':
      return 'Ready. Choose a model, a dataset and a plan, then Start.';
    case 'completed':
    case 'cancelled':
    case 'failed':
      // The same words as the run's row in the Runs view.
      parts.push(r.outcome ?? (r.phase === 'completed' ? 'Completed' : r.phase === 'cancelled' ? 'Stopped' : 'Failed'));
      break;
    case 'starting':
      parts.push('Starting');
      break;
    case 'stopping':
      parts.push('Stopping');
      break;
    case 'running':
      parts.push(r.stage ? `${r.stage.name === 'features' ? 'Extracting features' : 'Decoding images'} ${r.stage.done}/${r.stage.total}` : 'Training');
  }
  if (!ENDED.has(r.phase)) {
    if (r.epochs > 0 && r.epoch > 0) parts.push(`epoch ${r.epoch}/${r.epochs}`);
    if (r.batchesPerEpoch > 0 && r.phase === 'running' && !r.stage) parts.push(`batch ${r.batch}/${r.batchesPerEpoch}`);
    if (r.imagesPerSec !== null) parts.push(`${Math.round(r.imagesPerSec).toLocaleString('en-US')} img/s`);
    if (r.phase === 'running' || r.phase === 'starting') parts.push(`ETA ${duration(r.etaMs)}`);
  }
  if (r.backend) parts.push(`backend ${r.backend}${r.device ? ` (${r.device})` : ''}`);
  return parts.join(' · ');
}
