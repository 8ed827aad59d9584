// Open Model from Catalog…: a quick pick of well-known models with size,
// licence and whether each is cached; the download runs in the trainer
// process (verified, into the extension's global storage) with a cancel.
import * as vscode from 'vscode';
import type { App } from './app';
import { requireTrust } from './trust';

function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export async function openCatalogModel(app: App): Promise<void> {
  if (!requireTrust('Downloading models')) return;
  const cacheDir = vscode.Uri.joinPath(app.context.globalStorageUri, 'models').fsPath;
  let items;
  try {
    items = await app.utility.request('catalog', { cacheDir });
  } catch (error) {
    void vscode.window.showErrorMessage(`Finetune: could not read the catalog. ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({
      label: item.title,
      description: `${item.format === 'graph' ? 'Graph (frozen features)' : 'Layers'} · ${item.builtin ? 'built in' : size(item.approxBytes)} · ${item.license}`,
      detail: item.cached || item.builtin ? '$(check) available offline' : '$(cloud-download) downloads on first use',
      item,
    })),
    { title: 'Finetune: open a model from the catalog', matchOnDescription: true },
  );
  if (!picked) return;
  const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
  try {
    const pulled = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Finetune: ${picked.item.cached ? 'opening' : 'downloading'} ${picked.item.title}…`, cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => void app.utility.cancel());
        return app.utility.request('pull', { idOrUrl: picked.item.id, cacheDir, proxy });
      },
    );
    if (await app.loadModel(pulled.modelDir)) await vscode.commands.executeCommand('finetune.layers.focus');
  } catch (error) {
    // withProgress has settled by now, so the "downloading…" toast is gone before the error shows.
    if (isCancel(error)) return;
    void vscode.window.showErrorMessage(`Finetune: ${downloadFailure(picked.item.title, error)}`);
  }
}

const isCancel = (error: unknown) => error instanceof Error && /download cancelled/.test(error.message);

/** The user's words for a failed download: offline is said plainly, not as a resolver error code. */
export function downloadFailure(title: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code === 'offline') return `${message} (the model is not in the cache).`;
  return `could not get ${title}. ${message}`;
}
