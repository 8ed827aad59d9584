// The comparison view's HTML shell: the dashboard's page (CSP with scripts by
// nonce only, default-src 'none') with its own bundle. Content arrives as a
// validated message and is rendered with textContent.
import { pageHtml, type ShellUris } from '../dashboard/html';

export function compareHtml(uris: ShellUris, nonce: string): string {
  return pageHtml(uris, nonce, 'Finetune: Compare', '<main id="app"><p class="status-line">Loading…</p></main>');
}
