// The comparison view's HTML shell: the dashboard's CSP (scripts by nonce
// only, default-src 'none'), its own bundle. Content arrives as a validated
// message and is rendered with textContent.
import { contentSecurityPolicy } from '../dashboard/html';

export function compareHtml(uris: { cspSource: string; script: string; style: string }, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(uris.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uris.style}">
<title>Finetune: Compare</title>
</head>
<body>
<main id="app"><p class="status-line">Loading…</p></main>
<script type="module" nonce="${nonce}" src="${uris.script}"></script>
</body>
</html>`;
}
