// scanDataset: reads the folder layout, lists images and reads their headers
// (no pixels are decoded), splits, and builds the health report.
//
// Layouts (a top-level folder named `train` switches to the second):
//   root/<class>/…                                   split here by validationSplit
//   root/train/<class>/…, root/validation/<class>/…  (or `val/`), optional root/test/<class>/…
//     without validation/, train/ is split by validationSplit.
// Class names are folder names, sorted by code unit; label = index. Two class
// folders whose names differ only in case are an error (they would merge on
// Windows and macOS). A class with no usable image is dropped with a warning;
// fewer than 2 usable classes is an error.
import { readdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClassCount, HealthReport, SkippedFile } from '../../shared/health';
import { DatasetError, type Dataset, type Sample, type ScanOptions } from './types';
import { firstVisit, isHidden, resolveEntry, walkClassFolder, type FoundFile, type WalkState } from './walk';
import { crossSplitDuplicates, buildHealthReport, mapLimit, type SizedFile, type SplitName } from './health';
import { stratifiedSplit } from './split';
import { unreadableReason } from './headerCheck';

const SPLIT_FOLDERS: Record<string, SplitName> = { train: 'train', validation: 'validation', val: 'validation', test: 'test' };
const PROGRESS_EVERY = 500;

async function rootFolder(root: string): Promise<string> {
  const abs = resolve(root);
  try {
    const s = await stat(abs);
    if (!s.isDirectory()) throw new DatasetError(`Dataset path is not a folder: ${abs}`);
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(`Dataset folder not found: ${abs}`);
    throw new DatasetError(`Cannot read dataset folder ${abs} (${code ?? String(err)})`);
  }
  return abs;
}

/** Sub-folders of `dir` (symlinks followed), hidden ones left out; files are reported through `looseFiles`. */
async function subFolders(dir: string, state: WalkState, looseFiles: string[], relPrefix: string): Promise<{ name: string; abs: string }[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new DatasetError(`Cannot read folder ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: { name: string; abs: string }[] = [];
  for (const entry of entries) {
    if (isHidden(entry.name)) {
      state.hiddenIgnored++;
      continue;
    }
    const resolved = await resolveEntry(dir, entry);
    const rel = relPrefix + entry.name;
    if ('error' in resolved) state.skipped.push({ file: rel, reason: resolved.error });
    else if (resolved.kind === 'dir') {
      const abs = join(dir, entry.name);
      if (await firstVisit(abs, state.visited, resolved.stats)) out.push({ name: entry.name, abs });
      else state.skipped.push({ file: rel + '/', reason: 'folder already read (symbolic link loop or duplicate link)' });
    } else looseFiles.push(rel);
  }
  return out;
}

type Listing = Map<string, Map<SplitName, FoundFile[]>>;

function caseClashes(names: Iterable<string>): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined && other !== name) {
      throw new DatasetError(`Class folders '${other}' and '${name}' differ only in case; rename or merge them`);
    }
    seen.set(key, name);
  }
}

export async function scanDataset(root: string, options: ScanOptions): Promise<Dataset> {
  const abs = await rootFolder(root);
  const skipped: SkippedFile[] = [];
  const notes: string[] = [];
  let lastTick = 0;
  const state: WalkState = {
    skipped,
    visited: new Set(),
    hiddenIgnored: 0,
    nestedIn: new Set(),
    entriesDone: 0,
    entriesKnown: 0,
    tick: () => {
      if (state.entriesDone - lastTick >= PROGRESS_EVERY) {
        lastTick = state.entriesDone;
        options.onProgress?.(state.entriesDone, state.entriesKnown);
      }
    },
  };
  await firstVisit(abs, state.visited);

  const loose: string[] = [];
  const top = await subFolders(abs, state, loose, '');
  const splitDirs = top.filter((d) => SPLIT_FOLDERS[d.name.toLowerCase()] !== undefined);
  const layout: HealthReport['layout'] = top.some((d) => d.name.toLowerCase() === 'train') ? 'splitFolders' : 'classFolders';
  const listing: Listing = new Map();
  const add = async (split: SplitName, dir: { name: string; abs: string }, relPrefix: string) => {
    const files = await walkClassFolder(dir.abs, relPrefix + dir.name, dir.name, state);
    let bySplit = listing.get(dir.name);
    if (!bySplit) listing.set(dir.name, (bySplit = new Map()));
    bySplit.set(split, [...(bySplit.get(split) ?? []), ...files]);
  };

  if (layout === 'splitFolders') {
    for (const other of top.filter((d) => !splitDirs.includes(d))) {
      notes.push(`ignored folder '${other.name}/': with a train/ folder, only train/, validation/ (or val/) and test/ are read`);
    }
    const seenSplits = new Set<SplitName>();
    for (const dir of splitDirs) {
      const split = SPLIT_FOLDERS[dir.name.toLowerCase()];
      if (seenSplits.has(split)) throw new DatasetError(`Dataset ${abs} has two ${split} folders (e.g. validation/ and val/); keep one`);
      seenSplits.add(split);
      const splitLoose: string[] = [];
      for (const cls of await subFolders(dir.abs, state, splitLoose, dir.name + '/')) await add(split, cls, dir.name + '/');
      for (const f of splitLoose) skipped.push({ file: f, reason: 'not inside a class folder' });
    }
  } else {
    for (const cls of top) await add('train', cls, '');
  }
  for (const f of loose) skipped.push({ file: f, reason: 'not inside a class folder' });
  caseClashes(listing.keys());

  // Sizes come from one stat per image: cheap, no reads. Empty files are skipped here.
  const all = [...listing.entries()].flatMap(([cls, bySplit]) => [...bySplit.entries()].flatMap(([split, files]) => files.map((f) => ({ cls, split, f }))));
  state.entriesKnown += all.length;
  const sizes = await mapLimit(all, 32, async ({ f }) => {
    state.entriesDone++;
    state.tick();
    try {
      return (await stat(f.abs)).size;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code ?? 'error';
    }
  });
  // Content is sniffed and the header decoded now, so a corrupt or mislabelled
  // file is reported when the dataset is chosen, not when training reaches it.
  state.entriesKnown += all.length;
  const unreadable = await mapLimit(all, 8, async ({ f }, i) => {
    state.entriesDone++;
    state.tick();
    const size = sizes[i];
    return typeof size === 'number' && size > 0 ? unreadableReason(f.abs, size) : null;
  });
  const sizeOf = new Map<string, number>();
  const usable: Listing = new Map();
  all.forEach(({ cls, split, f }, i) => {
    const size = sizes[i];
    if (typeof size === 'string') skipped.push({ file: f.rel, reason: `file could not be read (${size})` });
    else if (size === 0) skipped.push({ file: f.rel, reason: 'empty file (0 bytes)' });
    else if (unreadable[i]) skipped.push({ file: f.rel, reason: unreadable[i] });
    else {
      sizeOf.set(f.abs, size);
      let bySplit = usable.get(cls);
      if (!bySplit) usable.set(cls, (bySplit = new Map()));
      const list = bySplit.get(split);
      if (list) list.push(f);
      else bySplit.set(split, [f]);
    }
  });

  for (const name of [...listing.keys()].sort()) {
    if (!usable.has(name)) notes.push(`class folder '${name}' has no usable images; ignored`);
  }
  const classes = [...usable.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2) throw new DatasetError(tooFewClassesMessage(abs, layout, classes, [...listing.keys()], state.nestedIn));

  // Split: explicit validation/ wins; otherwise each class's train files are split here.
  const hasValidationFolder = splitDirs.some((d) => SPLIT_FOLDERS[d.name.toLowerCase()] === 'validation');
  const pick = (split: SplitName) => new Map(classes.map((c) => [c, usable.get(c)?.get(split) ?? []]));
  let train = pick('train');
  let validation = pick('validation');
  if (!hasValidationFolder) ({ train, validation } = stratifiedSplit(train, options.validationSplit, options.seed));
  const test = pick('test');

  const toSamples = (m: Map<string, FoundFile[]>) => classes.flatMap((c, label) => (m.get(c) ?? []).map((f): Sample => ({ file: f.abs, rel: f.rel, label })));
  const splits = { train: toSamples(train), validation: toSamples(validation), test: toSamples(test) };

  const sized: SizedFile[] = (Object.keys(splits) as SplitName[]).flatMap((split) =>
    splits[split].map((s) => ({ abs: s.file, rel: s.rel, size: sizeOf.get(s.file) ?? -1, split })),
  );
  const duplicates = await crossSplitDuplicates(sized);
  if (state.hiddenIgnored) notes.push(`ignored ${state.hiddenIgnored} hidden or system file(s) (.DS_Store, Thumbs.db, names starting with '.')`);
  if (state.nestedIn.size) {
    notes.push(`images in nested folders were included in their class: ${[...state.nestedIn].sort().map((n) => `'${n}'`).join(', ')}`);
  }
  const counts: ClassCount[] = classes.map((name) => ({
    name,
    train: train.get(name)?.length ?? 0,
    validation: validation.get(name)?.length ?? 0,
    test: test.get(name)?.length ?? 0,
  }));
  options.onProgress?.(state.entriesKnown, state.entriesKnown);
  const health = buildHealthReport({ root: abs, layout, classes: counts, skipped, duplicates, notes, hasValidationFolder });
  return { root: abs, classes, ...splits, health };
}

function tooFewClassesMessage(root: string, layout: HealthReport['layout'], usable: string[], folders: string[], nestedIn: Set<string>): string {
  const where = layout === 'splitFolders' ? `${root}/train` : root;
  if (folders.length === 0) return `No class folders in ${where}: put images in one sub-folder per class (e.g. cats/, dogs/)`;
  if (usable.length === 0) return `No usable images in the class folders of ${where}`;
  const only = usable[0];
  const hint = nestedIn.has(only) ? `; its images are in sub-folders, so did you mean to choose ${join(where, only)}?` : '';
  if (folders.length === 1) return `Only one class ('${only}') in ${where}; at least 2 class folders are needed${hint}`;
  return `Only one class ('${only}') has usable images in ${where}; at least 2 are needed${hint}`;
}
