// Finds an ffmpeg that runs: the configured path (the `patchscope.ffmpegPath` setting or `--ffmpeg`), else
// `ffmpeg` on PATH, else the static build of the @ffmpeg-installer/ffmpeg package, so MP4 export works right
// after `npm install`. npm 11 skips that package's install script, which leaves its binary without the
// execute bit: it is set here when missing.
import { execFile } from 'node:child_process';
import { access, chmod, constants, stat } from 'node:fs/promises';

/** Where a found ffmpeg came from. */
export type FfmpegSource = 'configured' | 'path' | 'bundled';

/** An ffmpeg that ran `-version`. */
export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
  /** First line of `ffmpeg -version`. */
  version: string;
}

/** One candidate that was tried and why it failed. */
export interface FfmpegAttempt {
  source: FfmpegSource;
  path: string;
  reason: string;
}

/** No usable ffmpeg: lists every candidate tried. */
export class FfmpegNotFoundError extends Error {
  constructor(readonly attempts: readonly FfmpegAttempt[]) {
    super(
      'No usable ffmpeg found for MP4 export. Tried:\n' +
        attempts.map((a) => `  - ${a.source} ${a.path}: ${a.reason}`).join('\n') +
        '\nSet `patchscope.ffmpegPath` (or pass --ffmpeg) to an ffmpeg executable, or install ffmpeg on PATH.',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

/** Options of `locateFfmpeg`. */
export interface LocateFfmpegOptions {
  /** An explicitly configured executable: when set, only it is tried. */
  configured?: string;
  /** Skip PATH (tests). */
  skipPath?: boolean;
  /** Skip the bundled binary (tests). */
  skipBundled?: boolean;
  /** Seconds to wait for `-version` (default 15). */
  timeout?: number;
}

/** Runs `ffmpeg -version`; resolves with its first line or rejects with a short reason. */
function probe(path: string, timeoutSeconds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: timeoutSeconds * 1000, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(new Error(code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : error.message.split('\n')[0]));
        return;
      }
      const first = stdout.split('\n')[0].trim();
      if (!/^ffmpeg version/i.test(first)) reject(new Error(`does not look like ffmpeg: "${first}"`));
      else resolve(first);
    });
  });
}

/** Path of the @ffmpeg-installer binary, with its execute bit set if needed; throws when not installed. */
async function bundledFfmpeg(): Promise<string> {
  let path: string;
  try {
    path = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (error) {
    throw new Error(`@ffmpeg-installer/ffmpeg is not installed for this platform (${String(error)})`);
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    const mode = (await stat(path)).mode;
    await chmod(path, mode | 0o111);
  }
  return path;
}

/** Finds a working ffmpeg (see the module comment for the order); throws FfmpegNotFoundError otherwise. */
export async function locateFfmpeg(options: LocateFfmpegOptions = {}): Promise<FfmpegLocation> {
  const timeout = options.timeout ?? 15;
  const attempts: FfmpegAttempt[] = [];
  const tryPath = async (source: FfmpegSource, path: string): Promise<FfmpegLocation | undefined> => {
    try {
      return { path, source, version: await probe(path, timeout) };
    } catch (error) {
      attempts.push({ source, path, reason: (error as Error).message });
      return undefined;
    }
  };
  if (options.configured) {
    const found = await tryPath('configured', options.configured);
    if (found) return found;
    throw new FfmpegNotFoundError(attempts);
  }
  if (!options.skipPath) {
    const found = await tryPath('path', 'ffmpeg');
    if (found) return found;
  }
  if (!options.skipBundled) {
    let bundled: string | undefined;
    try {
      bundled = await bundledFfmpeg();
    } catch (error) {
      attempts.push({ source: 'bundled', path: '@ffmpeg-installer/ffmpeg', reason: (error as Error).message });
    }
    if (bundled) {
      const found = await tryPath('bundled', bundled);
      if (found) return found;
    }
  }
  throw new FfmpegNotFoundError(attempts);
}
