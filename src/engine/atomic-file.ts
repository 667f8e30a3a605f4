// Writes a file so that the destination only ever holds a complete file: the content goes to a hidden
// temporary file beside the destination (same folder, so the final rename is atomic on the same file
// system), which is renamed over the destination on commit or removed on abort. An existing destination
// is not touched before commit.
import { rmSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Temporary paths this process has named so far. */
let temporaryPathCount = 0;

/**
 * Path of a fresh temporary file beside `destination`: `.<name>.<pid>-<count>-<time>.tmp` in the same folder.
 * Not random: `node:crypto` loads OpenSSL's bindings (2.5 MB more RSS in a bare `node`), and
 * `create()` opens the file exclusively, so a clash is retried, never written over.
 */
export function temporaryPathBeside(destination: string): string {
  const absolute = resolve(destination);
  const tag = [process.pid, temporaryPathCount++, Date.now()].map((part) => part.toString(36)).join('-');
  return join(dirname(absolute), `.${basename(absolute)}.${tag}.tmp`);
}

/** How many taken names `AtomicFile.create()` skips before giving up. */
const MAX_NAME_CLASHES = 8;

/** Temporary files created and not yet committed or aborted, for removal when the process must exit at once. */
const openTemporaryFiles = new Set<string>();

/**
 * Removes every temporary file this process has not committed or aborted yet (synchronously: for an exit that
 * cannot wait, such as a second Ctrl+C); returns how many.
 */
export function removeOpenTemporaryFilesSync(): number {
  let removed = 0;
  for (const tempPath of openTemporaryFiles) {
    rmSync(tempPath, { force: true });
    removed++;
  }
  openTemporaryFiles.clear();
  return removed;
}

/** A reserved temporary file that becomes `destination` on commit. */
export class AtomicFile {
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    /** Absolute path of the final file. */
    readonly destination: string,
    /** Absolute path of the temporary file to write. */
    readonly tempPath: string,
  ) {}

  /** Creates an empty temporary file beside `destination` (fails if the folder does not exist). */
  static async create(destination: string): Promise<AtomicFile> {
    let tempPath = temporaryPathBeside(destination);
    let handle: FileHandle;
    for (let clashes = 0; ; clashes++) {
      try {
        handle = await open(tempPath, 'wx', 0o644);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || clashes === MAX_NAME_CLASHES) throw error;
        tempPath = temporaryPathBeside(destination);
      }
    }
    openTemporaryFiles.add(tempPath);
    await handle.close();
    return new AtomicFile(resolve(destination), tempPath);
  }

  /** Whether commit() or abort() already ran. */
  get settled(): boolean {
    return this.state !== 'open';
  }

  /** Flushes the temporary file to disk and renames it over the destination. */
  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error(`AtomicFile.commit() after ${this.state}`);
    const handle = await open(this.tempPath, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tempPath, this.destination);
    openTemporaryFiles.delete(this.tempPath);
    this.state = 'committed';
  }

  /** Removes the temporary file; the destination stays as it was. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    // Still listed until it is gone: an exit that cannot wait (a second Ctrl+C) during the removal removes it too.
    await rm(this.tempPath, { force: true });
    openTemporaryFiles.delete(this.tempPath);
  }
}
