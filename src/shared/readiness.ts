// Why Start cannot run yet, in the user's words. The host refuses a run for
// these reasons and the dashboard shows the same sentence next to its disabled
// Start, so the two never disagree. Pure: no vscode, tfjs or DOM.
import type { DatasetView, DashboardState } from './protocol/webview';

/** Why this dataset cannot be trained on as it is, or null. */
export function datasetBlocker(d: Pick<DatasetView, 'scanning' | 'error' | 'health'> | null): string | null {
  if (!d) return 'Choose a dataset folder first.';
  if (d.scanning) return 'The dataset is still being scanned.';
  if (d.error) return `The dataset cannot be used: ${d.error}`;
  const errors = d.health?.errors ?? [];
  if (errors.length === 1) return `The dataset cannot be used: ${errors[0]}`;
  if (errors.length > 1) return `The dataset cannot be used: ${errors.length} problems, listed under Dataset.`;
  return null;
}

/** Why Start (and the LR Finder, which sweeps what Start would train) is off: the first reason, or null when a run can start. */
export function startBlocker(state: Pick<DashboardState, 'trusted' | 'model' | 'dataset' | 'run'> & Partial<Pick<DashboardState, 'lrFinder'>>): string | null {
  if (!state.trusted) return 'Training is disabled in Restricted Mode until you trust this workspace.';
  if (['starting', 'running', 'stopping'].includes(state.run.phase)) return 'A run is in progress.';
  if (state.lrFinder?.phase === 'running' || state.lrFinder?.phase === 'stopping') return 'The LR finder is running.';
  if (!state.model) return 'Open a model first.';
  return datasetBlocker(state.dataset);
}
