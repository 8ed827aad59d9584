// Section: the classic mistakes of the next run (checked before Start) or of
// the run itself, each with a button for its fix where there is one. The host
// holds the fixes; a button names only the warning. The same warnings are in
// VS Code's Problems panel.
import type { DashboardState, WarningsView } from '../../shared/protocol/webview';
import { el, setText } from '../dom';
import { send } from '../host';

export class WarningsSection {
  readonly root = el('section', { id: 'warnings-section', class: 'card', 'aria-labelledby': 'warnings-heading', hidden: true });
  private readonly heading = el('h2', { id: 'warnings-heading' }, 'Warnings');
  /** What the list is about, or that a check is running; announced when it changes. */
  private readonly status = el('p', { id: 'warnings-status', class: 'muted', role: 'status' });
  private readonly list = el('ul', { id: 'warnings-list', class: 'warning-list' });
  private shown = '';

  constructor() {
    this.root.append(this.heading, this.status, this.list);
  }

  render(state: DashboardState): void {
    const w = state.warnings;
    this.root.hidden = w.items.length === 0 && !w.checking && w.error === null && (state.model === null || state.dataset === null);
    setText(this.heading, w.items.length > 0 ? `Warnings (${w.items.length})` : 'Warnings');
    setText(this.status, statusLine(w));
    const locked = ['starting', 'running', 'stopping'].includes(state.run.phase);
    // Rebuilt only when the list or the lock changes, so a button keeps focus across unrelated patches.
    const key = JSON.stringify([w.items, locked]);
    if (key === this.shown) return;
    this.shown = key;
    this.list.replaceChildren(
      ...w.items.map((item) => {
        const message = el('span', { id: `warning-${item.id}-message`, class: 'warning-message' }, item.message);
        const row = el('li', { class: 'warning', 'data-warning': item.id }, message);
        if (item.fix) {
          const button = el('vscode-button', { appearance: 'secondary', class: 'warning-fix', 'aria-describedby': message.id, disabled: locked }, item.fix);
          button.addEventListener('click', () => send({ type: 'applyWarningFix', warning: item.id }));
          row.append(button);
        }
        return row;
      }),
    );
  }
}

function statusLine(w: WarningsView): string {
  if (w.checking) return 'Checking the settings for the next run…';
  if (w.error) return `Could not check the next run: ${w.error}`;
  if (w.items.length === 0) return w.source === 'run' ? 'The run reported no warnings.' : 'No warnings for the next run.';
  return w.source === 'run' ? 'Reported by the run (also in the Problems panel, on its spec.json).' : 'For the next run, as set now (also in the Problems panel).';
}
