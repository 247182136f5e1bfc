/**
 * A problem found in a package or one of its files. Every problem names the file and the
 * position (1-based line and column; 0 when the problem concerns the file as a whole) so an
 * author can go straight to it.
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  /** Path inside the package (or the file name given on the command line). */
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `zip.path-unsafe`, `xml.malformed`. */
  code: string;
  /** What is wrong and what to do about it, in words an author can act on. */
  message: string;
}

/** Builds a problem; position defaults to the whole file. */
export function problem(
  file: string,
  severity: Severity,
  code: string,
  message: string,
  line = 0,
  column = 0,
): Problem {
  return { file, line, column, severity, code, message };
}

/** True when any problem is an error (warnings do not block import). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** `file:line:col severity message` — the CLI's one-line form. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.message} [${p.code}]`;
}
