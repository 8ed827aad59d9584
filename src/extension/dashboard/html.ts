// The dashboard's HTML shell. Everything it loads comes from dist/ through
// webview URIs; scripts run only with the per-load nonce, and nothing else is
// allowed (default-src 'none'). No file-derived string is ever put into this
// HTML: the content arrives later as validated messages and is rendered with
// textContent on the webview side.
import { randomBytes } from 'node:crypto';

export interface ShellUris {
  /** `webview.cspSource`. */
  cspSource: string;
  script: string;
  style: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The toolkit and uPlot set styles through the CSSOM, which CSP permits;
    // stylesheets themselves only come from dist/ and media/.
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/**
 * A page of ours: the CSP above, one stylesheet and one module script from
 * dist/. `body` is fixed markup, never a file-derived string.
 */
export function pageHtml(uris: ShellUris, nonce: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(uris.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uris.style}">
<title>${title}</title>
</head>
<body>
${body}
<script type="module" nonce="${nonce}" src="${uris.script}"></script>
</body>
</html>`;
}

export function dashboardHtml(uris: ShellUris, nonce: string): string {
  return pageHtml(
    uris,
    nonce,
    'Finetune Studio',
    `<header class="top" id="top"><h1>Finetune Studio</h1><p id="status-line" class="status-line">Loading…</p></header>
<main id="app"></main>`,
  );
}
