// Where each warning sits in a run spec's JSON text, and what its diagnostic
// says: one per warning, on the line of the spec field it is about, with the
// warning's id as its code so a quick fix can find the fix. Pure (no vscode):
// problems.ts turns these into vscode.Diagnostic objects.
import type { RunWarning, WarningId } from '../../shared/warnings';
import type { WarningTarget } from './warningState';

/** The spec field (a top-level key of spec.json) each warning is about. */
export const WARNING_FIELD: Record<WarningId, string> = {
  batchNormSmallBatch: 'batchNormMode',
  learningRateHigh: 'learningRate',
  imagesSmall: 'dataDir',
  greyscaleIntoColour: 'dataDir',
  fewImagesWideTraining: 'train',
  smallValidation: 'validationSplit',
  duplicatesAcrossSplits: 'dataDir',
  inputRangeGuessed: 'modelDir',
};

/** Zero-based, as vscode.Range takes them. */
export interface TextRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface WarningDiagnostic {
  range: TextRange;
  message: string;
  severity: 'warning';
  source: 'Finetune';
  code: WarningId;
  /** The fix's label, when the warning has one (a quick fix offers it). */
  fix: string | null;
}

/**
 * The range of a top-level key and its value in pretty-printed JSON (as
 * spec.json is written: two spaces a level). A key nested deeper (a phase's
 * `train`) is passed over; the key with the least indent wins. A key that is
 * not there falls back to the first line, so the warning still shows.
 */
export function fieldRange(json: string, key: string): TextRange {
  const lines = json.split(/\r?\n/);
  const pattern = new RegExp(`^(\\s*)"${key}"\\s*:`);
  let found: { line: number; indent: number } | null = null;
  for (const [line, text] of lines.entries()) {
    const m = pattern.exec(text);
    if (m && (found === null || m[1].length < found.indent)) found = { line, indent: m[1].length };
  }
  if (!found) return { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: lines[0]?.length ?? 0 };
  const text = lines[found.line];
  return { startLine: found.line, startCharacter: found.indent, endLine: found.line, endCharacter: text.replace(/,\s*$/, '').length };
}

export function warningDiagnostics(items: readonly RunWarning[], specText: string): WarningDiagnostic[] {
  return items.map((w) => ({
    range: fieldRange(specText, WARNING_FIELD[w.id]),
    message: w.message,
    severity: 'warning',
    source: 'Finetune',
    code: w.id,
    fix: w.fix?.label ?? null,
  }));
}

/**
 * Where the diagnostics go: the next run's spec (a read-only document showing
 * `text`, see problems.ts for why not the dataset folder), a run's spec.json,
 * or nowhere yet (a run's warnings arrive a moment before its folder exists).
 */
export type DiagnosticPlace = { kind: 'nextRun'; text: string } | { kind: 'runSpec'; file: string } | null;

export function diagnosticPlace(target: WarningTarget): DiagnosticPlace {
  if (target.kind === 'nextRun') return target.spec ? { kind: 'nextRun', text: specText(target.spec) } : null;
  return target.specFile ? { kind: 'runSpec', file: target.specFile } : null;
}

/** A spec as spec.json holds it (engine/run/atomic.ts writes two-space JSON), so a field is on the same line in both. */
export function specText(spec: unknown): string {
  return JSON.stringify(spec, null, 2) + '\n';
}
