// The page's side of the protocol: send typed messages.
import type { WebviewToHost } from '../shared/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewToHost): void {
  api.postMessage(message);
}
