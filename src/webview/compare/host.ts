// The comparison page's side of its protocol: typed messages out, view state
// (chosen axis, sort) kept across hide/show.
import type { CompareToHost, CostAxis } from '../../shared/protocol/compare';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: CompareToHost): void {
  api.postMessage(message);
}

export interface CompareViewState {
  axis?: CostAxis;
  sort?: { column: string; descending: boolean };
}

export function viewState(): CompareViewState {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as CompareViewState) : {};
}

export function saveViewState(patch: Partial<CompareViewState>): void {
  api.setState({ ...viewState(), ...patch });
}
