/** What went wrong with a patch. */
export type PatchErrorKind = 'compile' | 'validation' | 'runtime' | 'timeout' | 'memory' | 'output' | 'cancelled';

/** A position in a user's source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Plain-data form of a PatchError, safe to post between threads. */
export interface PatchErrorData {
  kind: PatchErrorKind;
  message: string;
  file: string;
  line?: number;
  column?: number;
}

/** An error caused by a patch, located in the patch's own source where possible. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  constructor(
    readonly kind: PatchErrorKind,
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }

  /** `FILE:LINE:COLUMN: message`, or `FILE: message` without a position. */
  format(): string {
    const where = this.line !== undefined ? `${this.file}:${this.line}:${this.column ?? 1}` : this.file;
    return `${where}: ${this.message}`;
  }

  /** Plain data for postMessage. */
  toData(): PatchErrorData {
    return { kind: this.kind, message: this.message, file: this.file, line: this.line, column: this.column };
  }

  /** Rebuilds an error from its plain data. */
  static fromData(data: PatchErrorData): PatchError {
    return new PatchError(data.kind, data.message, data.file, data.line, data.column);
  }
}
