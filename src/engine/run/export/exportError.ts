/** A run that cannot be exported in the asked format, and why, in one line. CLI exit code 2. */
export class ExportError extends Error {
  override name = 'ExportError';
}
