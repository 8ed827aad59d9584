// The page's side of the protocol: send typed messages, keep view state.
import type { WebviewToHost } from '../shared/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewToHost): void {
  api.postMessage(message);
}

/** View-only state kept across hide/show (which section is collapsed, chart scale); never model data. */
export interface ViewState {
  logScaleLoss?: boolean;
}

export function viewState(): ViewState {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as ViewState) : {};
}

export function saveViewState(patch: Partial<ViewState>): void {
  api.setState({ ...viewState(), ...patch });
}
