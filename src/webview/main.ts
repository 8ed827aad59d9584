// Dashboard entry (browser, ESM).
import './dashboard.css';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const status = document.getElementById('status-line');
if (status) status.textContent = 'No run yet.';
vscode.postMessage({ type: 'ready' });
