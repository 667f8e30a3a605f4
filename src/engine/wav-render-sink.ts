// The render worker's side of a render to WAV: it writes the chunks into a file its parent prepared, so the
// audio never crosses between processes (a 60-minute stereo render is 1.4 GB of samples the parent would
// otherwise receive, copy and collect).
import { OutputAnalyser, refuseNonFinite } from './output-analysis';
import { PatchError } from './patch-error';
import type { AudioChunk, PatchInfo } from './render-types';
import { preparedWavFile, WavWriter } from './wav-writer';
import type { WorkerWavOutput, WorkerWavResult } from './worker-protocol';

/**
 * Checks and writes a streamed render's chunks into a prepared WAV file. The first failure (NaN output, a write
 * error) is kept and returned by every later ready(), which fails the render; the file is left for the
 * parent to remove.
 */
export class WavRenderSink {
  private readonly analyser = new OutputAnalyser();
  private lastWrite: Promise<void> = Promise.resolve();
  private previousWrite: Promise<void> = Promise.resolve();
  private failure: PatchError | undefined;

  private constructor(
    private readonly writer: WavWriter,
    private readonly patchFile: string,
    private readonly afterWrite: () => void,
  ) {}

  /** Opens the prepared file for a patch's audio; `afterWrite` runs once each chunk is on disk. */
  static async open(output: WorkerWavOutput, info: PatchInfo, patchFile: string, afterWrite: () => void = () => undefined): Promise<WavRenderSink> {
    try {
      const writer = await WavWriter.openTarget(preparedWavFile(output.path), { sampleRate: info.sampleRate, channels: info.channels, format: output.format });
      return new WavRenderSink(writer, patchFile, afterWrite);
    } catch (err) {
      throw writeError(err, patchFile);
    }
  }

  /** Frames on disk so far. */
  get framesWritten(): number {
    return this.writer.framesWritten;
  }

  /** Checks a chunk and queues it for writing (its arrays are not touched afterwards by the render). */
  chunk(chunk: AudioChunk): void {
    if (this.failure) return;
    try {
      this.analyser.add(chunk);
      refuseNonFinite(this.analyser, this.patchFile);
    } catch (err) {
      this.failure = err instanceof PatchError ? err : writeError(err, this.patchFile);
      return;
    }
    this.previousWrite = this.lastWrite;
    this.lastWrite = this.writer.write(chunk).then(this.afterWrite, (err: unknown) => {
      this.failure ??= writeError(err, this.patchFile);
    });
  }

  /** Resolves once every chunk but the latest is on disk (rendering waits here for a slow disk); rejects on failure. */
  async ready(): Promise<void> {
    if (!this.failure) await this.previousWrite;
    if (this.failure) throw this.failure;
  }

  /** Waits for every write, completes the header and closes the file. */
  async finish(): Promise<WorkerWavResult> {
    await this.lastWrite;
    if (this.failure) throw this.failure;
    try {
      return { wav: await this.writer.finish(), output: this.analyser.report() };
    } catch (err) {
      throw writeError(err, this.patchFile);
    }
  }

  /** Closes the file after a failed or cancelled render. */
  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/** A file-system error as the patch's render error, keeping the system's message (ENOSPC, EROFS, ...). */
function writeError(err: unknown, patchFile: string): PatchError {
  if (err instanceof PatchError) return err;
  return new PatchError('output', `cannot write the WAV file: ${err instanceof Error ? err.message : String(err)}`, patchFile);
}
