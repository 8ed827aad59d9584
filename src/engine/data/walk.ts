// Lists the image files under one class folder. The rules, which the README
// and the health report repeat to the user:
// - Nested folders inside a class belong to that class (as in Keras'
//   image_dataset_from_directory and torchvision's ImageFolder); the health
//   report warns that they were included.
// - Hidden entries (names starting with '.', e.g. .DS_Store, .git) and OS
//   metadata files (Thumbs.db, desktop.ini) are ignored and only counted.
// - Symbolic links are followed, but a folder is read at most once (by device
//   and inode), so a link loop is skipped with a reason instead of hanging.
// - Files whose extension is not a supported image are skipped with a reason.
//   Content is checked again at decode time (a PNG named .jpg still decodes).
import { readdir, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { extname, join } from 'node:path';
import type { SkippedFile } from '../../shared/health';

/** Extensions read as images (lower case). BMP is decoded by bmp.ts, the rest by sharp. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif']);
/** Image formats users will meet that are refused, with the reason shown. */
const UNSUPPORTED: Record<string, string> = {
  '.heic': 'HEIC images are not supported; convert to JPEG or PNG',
  '.heif': 'HEIF images are not supported; convert to JPEG or PNG',
  '.svg': 'SVG is a vector format and is not rasterised; export it as PNG',
  '.svgz': 'SVG is a vector format and is not rasterised; export it as PNG',
  '.psd': 'Photoshop files are not supported; export as PNG',
  '.ico': 'ICO files are not supported',
  '.jxl': 'JPEG XL is not supported',
};
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini', 'icon\r']);
/** Deeper than this inside a class folder is almost certainly a mistake (or a loop through distinct paths). */
const MAX_DEPTH = 32;

export interface FoundFile {
  abs: string;
  /** Relative to the dataset root, with '/' separators. */
  rel: string;
}

export interface WalkState {
  skipped: SkippedFile[];
  /** Folders already read, by `dev:ino`; shared across the whole scan. */
  visited: Set<string>;
  hiddenIgnored: number;
  /** Class names whose images include nested folders. */
  nestedIn: Set<string>;
  entriesDone: number;
  entriesKnown: number;
  tick: () => void;
}

export function isHidden(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase());
}

/** A Dirent's target type, following a symlink; null with a reason when it cannot be resolved. */
export async function resolveEntry(dir: string, entry: Dirent): Promise<{ kind: 'file' | 'dir' | 'other'; stats?: Stats } | { error: string }> {
  if (!entry.isSymbolicLink()) {
    return { kind: entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other' };
  }
  try {
    const stats = await stat(join(dir, entry.name));
    return { kind: stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'other', stats };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ELOOP' ? 'symbolic link loop' : code === 'ENOENT' ? 'broken symbolic link' : `unreadable symbolic link (${code})` };
  }
}

/** Marks a folder as read; false when it was read before (a link loop or a second link to it). */
export async function firstVisit(dir: string, visited: Set<string>, known?: Stats): Promise<boolean> {
  const stats = known ?? (await stat(dir));
  const key = `${stats.dev}:${stats.ino}`;
  if (visited.has(key)) return false;
  visited.add(key);
  return true;
}

/** Collects the image files under `dir` (a class folder, or a folder nested in one). */
export async function walkClassFolder(dir: string, rel: string, className: string, state: WalkState, depth = 0): Promise<FoundFile[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    state.skipped.push({ file: rel + '/', reason: `folder could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return [];
  }
  // Sorted by code unit, not locale, so the order (and so the split) is the same everywhere.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  state.entriesKnown += entries.length;
  const found: FoundFile[] = [];
  for (const entry of entries) {
    state.entriesDone++;
    state.tick();
    const entryRel = `${rel}/${entry.name}`;
    if (isHidden(entry.name)) {
      state.hiddenIgnored++;
      continue;
    }
    const resolved = await resolveEntry(dir, entry);
    if ('error' in resolved) {
      state.skipped.push({ file: entryRel, reason: resolved.error });
      continue;
    }
    const abs = join(dir, entry.name);
    if (resolved.kind === 'dir') {
      if (depth + 1 > MAX_DEPTH) {
        state.skipped.push({ file: entryRel + '/', reason: `folder nested more than ${MAX_DEPTH} levels deep` });
      } else if (!(await firstVisit(abs, state.visited, resolved.stats))) {
        state.skipped.push({ file: entryRel + '/', reason: 'folder already read (symbolic link loop or duplicate link)' });
      } else {
        state.nestedIn.add(className);
        // A loop, not push(...nested): spreading 100,000 items as arguments overflows the stack.
        for (const f of await walkClassFolder(abs, entryRel, className, state, depth + 1)) found.push(f);
      }
      continue;
    }
    if (resolved.kind !== 'file') {
      state.skipped.push({ file: entryRel, reason: 'not a regular file' });
      continue;
    }
    const ext = extname(entry.name).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) found.push({ abs, rel: entryRel });
    else state.skipped.push({ file: entryRel, reason: UNSUPPORTED[ext] ?? `not an image file (${ext || 'no extension'})` });
  }
  return found;
}
