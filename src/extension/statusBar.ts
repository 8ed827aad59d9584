// The status-bar item of a run: epoch and ETA while training, the result for
// a while after; clicking it opens the dashboard.
import * as vscode from 'vscode';
import type { HostStore } from './state/store';
import { duration, percent } from './views/format';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('finetune.run', vscode.StatusBarAlignment.Left, 50);
  private readonly unsubscribe: () => void;

  constructor(private readonly store: HostStore) {
    this.item.name = 'Finetune Training';
    this.item.command = 'finetune.showDashboard';
    this.unsubscribe = store.subscribe({ changed: (s) => s.has('run') && this.render() });
  }

  private render(): void {
    const r = this.store.run;
    const item = this.item;
    switch (r.phase) {
      case 'idle':
        item.hide();
        return;
      case 'starting':
        item.text = '$(loading~spin) Finetune: starting…';
        break;
      case 'running':
        item.text = r.stage
          ? `$(loading~spin) Finetune: ${r.stage.name} ${r.stage.done}/${r.stage.total}`
          : `$(pulse) Finetune: epoch ${Math.max(1, r.epoch)}/${r.epochs} · ETA ${duration(r.etaMs)}`;
        break;
      case 'stopping':
        item.text = '$(debug-stop) Finetune: stopping…';
        break;
      case 'completed':
        item.text = `$(pass) Finetune: done · val acc ${this.store.result ? percent(this.store.result.valAccuracy) : '–'}`;
        break;
      case 'cancelled':
        // A Stop is never shown as a failure: "stopped", with the accuracy when a model was saved.
        item.text = this.store.result ? `$(debug-stop) Finetune: stopped · val acc ${percent(this.store.result.valAccuracy)}` : '$(debug-stop) Finetune: stopped before training';
        break;
      case 'failed':
        item.text = '$(error) Finetune: failed';
        break;
    }
    const backend = r.backend ? `Backend: ${r.backend}${r.device ? ` on ${r.device}` : ''}\n` : '';
    item.tooltip = `${backend}${r.message ?? ''}\nClick to open the dashboard`.trim();
    item.show();
  }

  dispose(): void {
    this.unsubscribe();
    this.item.dispose();
  }
}
