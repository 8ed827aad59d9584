/** The dataset health report, shown before training by the CLI and the dashboard. */
export interface ClassCount {
  name: string;
  train: number;
  validation: number;
  test: number;
}

export interface SkippedFile {
  /** Path relative to the dataset root. */
  file: string;
  reason: string;
}

export interface HealthReport {
  root: string;
  layout: 'classFolders' | 'splitFolders';
  classes: ClassCount[];
  /** Largest class count / smallest class count, over all splits. */
  imbalanceRatio: number;
  skipped: SkippedFile[];
  /** Identical content found in more than one split (relative paths). */
  crossSplitDuplicates: { hash: string; files: string[] }[];
  /** Classes with fewer than 2 usable images. */
  tooSmall: string[];
  /** Human-readable warnings derived from the above. */
  warnings: string[];
  /** Problems that make the dataset unusable as it is, each saying how to fix it; they block Start. */
  errors: string[];
}
