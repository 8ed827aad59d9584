// The action bar: Start, Stop, LR Finder and Sweep Cut Points…, why Start is off, the run's one-line status
// and any notice. It sits in the sticky page header, so in a small window
// (1024×700 stacks the dashboard into one column) Start and Stop stay on
// screen however far the page is scrolled.
import type { DashboardState } from '../../shared/protocol/webview';
import { startBlocker } from '../../shared/readiness';
import { el, setText } from '../dom';
import { send } from '../host';

const PHASE_WORDS: Partial<Record<DashboardState['run']['phase'], string>> = {
  starting: 'Training is starting.',
  running: 'Training is running.',
  stopping: 'Stopping at the end of this batch.',
};

export class ActionBar {
  readonly root = el('div', { id: 'action-bar', class: 'action-bar', role: 'region', 'aria-label': 'Run controls' });
  private readonly start = el('vscode-button', { id: 'start' }, 'Start');
  private readonly stop = el('vscode-button', { id: 'stop', appearance: 'secondary' }, 'Stop');
  private readonly lrFind = el('vscode-button', { id: 'lr-find', appearance: 'secondary', title: 'Sweep the learning rate over about 100 batches and suggest one' }, 'LR Finder');
  private readonly sweep = el('vscode-button', { id: 'sweep', appearance: 'secondary', title: 'Train several cut points and plans, then compare accuracy against cost' }, 'Sweep Cut Points…');
  private readonly ring = el('vscode-progress-ring', { id: 'run-ring', hidden: true, 'aria-label': 'Training in progress' });
  /** Why Start is off, in words; empty when it is on. */
  private readonly reason = el('p', { id: 'start-reason', class: 'start-reason', 'aria-live': 'polite' });
  private readonly notice = el('div', { id: 'notice', class: 'notice', hidden: true, role: 'alert' });
  /**
   * Says a phase change once (started, stopping, how it ended). The status
   * line itself changes with every batch, so it is not a live region: a
   * screen reader would read it eight times a second.
   */
  private readonly announcer = el('p', { id: 'run-announcer', class: 'visually-hidden', role: 'status' });
  private phase = '';
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.start.addEventListener('click', () => send({ type: 'start' }));
    this.stop.addEventListener('click', () => send({ type: 'stop' }));
    this.lrFind.addEventListener('click', () => send({ type: 'lrFind' }));
    this.sweep.addEventListener('click', () => send({ type: 'sweep' }));
    this.root.append(el('div', { class: 'row actions' }, this.start, this.stop, this.lrFind, this.sweep, this.ring, this.reason), this.notice, this.announcer);
  }

  /** `fieldProblem` is the page's own: a hyperparameter that holds an invalid value. */
  render(state: DashboardState, fieldProblem: string | null): void {
    const r = state.run;
    const finder = state.lrFinder?.phase;
    const active = r.phase === 'starting' || r.phase === 'running' || r.phase === 'stopping' || finder === 'running' || finder === 'stopping';
    const blocker = startBlocker(state) ?? fieldProblem;
    // The attribute (not only the property) so that styling and tests see it at once.
    this.start.toggleAttribute('disabled', blocker !== null);
    // Stop ends whichever is running: the run, or the LR finder's sweep.
    this.stop.toggleAttribute('disabled', !active || r.phase === 'stopping' || finder === 'stopping');
    // The LR finder and a sweep train the same model and dataset, so whatever blocks Start blocks them.
    this.lrFind.toggleAttribute('disabled', blocker !== null);
    this.lrFind.setAttribute('title', blocker === null ? 'Sweep the learning rate over about 100 batches and suggest one' : `LR Finder is off: ${blocker}`);
    this.sweep.toggleAttribute('disabled', blocker !== null);
    this.ring.hidden = !active;
    setText(this.reason, blocker !== null && !active ? `Start is off: ${blocker}` : '');
    if (r.phase !== this.phase) {
      this.phase = r.phase;
      setText(this.announcer, PHASE_WORDS[r.phase] ?? r.outcome ?? '');
    }
  }

  /** A problem from the host. An error stays until dismissed or replaced; information goes after 10 s. */
  showNotice(level: 'info' | 'error', message: string): void {
    clearTimeout(this.noticeTimer);
    const close = el('vscode-button', { appearance: 'icon', 'aria-label': 'Dismiss', class: 'notice-close' }, '✕');
    close.addEventListener('click', () => (this.notice.hidden = true));
    this.notice.replaceChildren(el('span', {}, message), close);
    this.notice.className = `notice ${level}`;
    this.notice.hidden = false;
    if (level === 'info') this.noticeTimer = setTimeout(() => (this.notice.hidden = true), 10_000);
  }
}
