// Streaming WAV writer at constant memory: chunks are encoded into one reused buffer and written as they
// come; the header's sizes are filled in at the end. The file is written beside the destination and only
// renamed over it once complete (see atomic-file.ts).
//
// Formats:
// - 'pcm16', 'pcm24': integer PCM without dither. A sample is clipped to [-1, 1] (NaN becomes 0), scaled
//   by 2^(bits-1) - 1 (so +-1.0 becomes +-32767 / +-8388607 and the scale is symmetric) and rounded to the
//   nearest integer, halves away from zero.
// - 'float32': IEEE float samples written as they are (no clipping).
// 16-bit files with one or two channels use the plain PCM header (WAVE_FORMAT_PCM, 44 bytes). Every other
// case uses WAVE_FORMAT_EXTENSIBLE, as the format's specification asks for more than 16 bits or more than
// two channels, with the PCM or IEEE-float sub-format; float files also carry the 'fact' chunk that
// non-PCM formats need. The channel mask names front centre for mono, front left/right for stereo, and no
// speaker positions for more channels (a patch's channels are not a speaker layout).
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { open } from 'node:fs/promises';
import { AtomicFile } from './atomic-file';
import type { AudioChunk } from './render-types';
import type { Frames, Hertz } from './units';

/**
 * Typed arrays store samples in the platform's byte order, which the writer relies on: WAV is little-endian, as
 * is every platform node-web-audio-api ships for.
 */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Sample formats the writer supports. */
export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

/** Every WAV sample format, default first. */
export const WAV_SAMPLE_FORMATS: readonly WavSampleFormat[] = ['pcm16', 'pcm24', 'float32'];

/** Settings of a WAV file. */
export interface WavWriterOptions {
  sampleRate: Hertz;
  /** 1 to 32 (any positive count works; the patch format allows up to 32). */
  channels: number;
  format: WavSampleFormat;
}

/** What a finished WAV file holds. */
export interface WavSummary {
  path: string;
  frames: Frames;
  /** File size in bytes. */
  bytes: number;
  /** Samples outside [-1, 1] that integer formats clipped (0 for float). */
  clippedSamples: number;
}

/** Bytes per sample of a format. */
export function bytesPerSample(format: WavSampleFormat): number {
  return format === 'pcm16' ? 2 : format === 'pcm24' ? 3 : 4;
}

/**
 * Integer PCM value of a float sample at `bits` bits: clipped to [-1, 1] (NaN as 0), scaled by
 * 2^(bits-1) - 1, rounded to nearest with halves away from zero.
 */
export function pcmValue(sample: number, bits: 16 | 24): number {
  return roundedPcm(sample, bits === 16 ? PCM16_FULL_SCALE : PCM24_FULL_SCALE);
}

const PCM16_FULL_SCALE = 32767;
const PCM24_FULL_SCALE = 8388607;

/**
 * pcmValue for a full scale of 2^(bits-1) - 1. `floor(x + 0.5)` is exact here: a float32 sample times a 15- or
 * 23-bit integer has at most 47 significant bits, so adding 0.5 never rounds.
 */
function roundedPcm(sample: number, fullScale: number): number {
  const scaled = (sample > 1 ? 1 : sample < -1 ? -1 : sample === sample ? sample : 0) * fullScale;
  return scaled < 0 ? -Math.floor(0.5 - scaled) : Math.floor(scaled + 0.5);
}

const FORMAT_PCM = 1;
const FORMAT_IEEE_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** The fixed tail shared by the KSDATAFORMAT_SUBTYPE_* GUIDs (after the 2-byte format tag). */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const MAX_RIFF_BYTES = 0xffffffff;

interface HeaderLayout {
  extensible: boolean;
  fact: boolean;
  /** Header bytes before the samples. */
  size: number;
}

function headerLayout(options: WavWriterOptions): HeaderLayout {
  const extensible = options.format !== 'pcm16' || options.channels > 2;
  const fact = options.format === 'float32';
  const size = 12 + 8 + (extensible ? 40 : 16) + (fact ? 12 : 0) + 8;
  return { extensible, fact, size };
}

/** Builds the header for `frames` frames of audio. */
export function wavHeader(options: WavWriterOptions, frames: Frames): Buffer {
  const layout = headerLayout(options);
  const sampleBytes = bytesPerSample(options.format);
  const blockAlign = sampleBytes * options.channels;
  const dataBytes = frames * blockAlign;
  const pad = dataBytes % 2;
  const header = Buffer.alloc(layout.size);
  let o = 0;
  const text = (value: string): void => {
    header.write(value, o, 'ascii');
    o += 4;
  };
  const u16 = (value: number): void => {
    header.writeUInt16LE(value, o);
    o += 2;
  };
  const u32 = (value: number): void => {
    header.writeUInt32LE(value, o);
    o += 4;
  };
  text('RIFF');
  u32(layout.size - 8 + dataBytes + pad);
  text('WAVE');
  text('fmt ');
  u32(layout.extensible ? 40 : 16);
  u16(layout.extensible ? FORMAT_EXTENSIBLE : options.format === 'float32' ? FORMAT_IEEE_FLOAT : FORMAT_PCM);
  u16(options.channels);
  u32(options.sampleRate);
  u32(options.sampleRate * blockAlign);
  u16(blockAlign);
  u16(sampleBytes * 8);
  if (layout.extensible) {
    u16(22);
    u16(sampleBytes * 8);
    u32(options.channels === 1 ? 0x4 : options.channels === 2 ? 0x3 : 0);
    u16(options.format === 'float32' ? FORMAT_IEEE_FLOAT : FORMAT_PCM);
    for (const byte of SUBTYPE_GUID_TAIL) header[o++] = byte;
  }
  if (layout.fact) {
    text('fact');
    u32(4);
    u32(frames);
  }
  text('data');
  u32(dataBytes);
  return header;
}

/** Where a WavWriter writes: a temporary file it completes, then hands to `commit()` (or drops with `abort()`). */
export interface WavFileTarget {
  /** The final path the file is reported under. */
  readonly destination: string;
  /** An existing, empty file to write. */
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * A file someone else prepared and will commit or remove (the render pool's parent process does, so that a
 * render process killed mid-write never leaves it behind): completing or aborting it only closes it.
 */
export function preparedWavFile(path: string): WavFileTarget {
  return { destination: path, tempPath: path, commit: () => Promise.resolve(), abort: () => Promise.resolve() };
}

/** Throws unless `format` is one the writer knows. */
export function checkWavFormat(format: WavSampleFormat): void {
  if (!WAV_SAMPLE_FORMATS.includes(format)) throw new Error(`unknown WAV format '${format}' (known: ${WAV_SAMPLE_FORMATS.join(', ')})`);
}

/** Throws unless the settings describe a WAV file this writer can write. */
export function checkWavOptions(options: WavWriterOptions): void {
  if (!LITTLE_ENDIAN) throw new Error('the WAV writer needs a little-endian machine');
  checkWavFormat(options.format);
  if (!Number.isInteger(options.channels) || options.channels < 1 || options.channels > 0xffff) {
    throw new Error(`WAV channel count must be a positive integer, got ${options.channels}`);
  }
  if (!Number.isInteger(options.sampleRate) || options.sampleRate < 1) {
    throw new Error(`WAV sample rate must be a positive integer, got ${options.sampleRate}`);
  }
}

/** Streams audio chunks into a WAV file. */
export class WavWriter {
  private readonly options: WavWriterOptions;
  private readonly layout: HeaderLayout;
  private readonly sampleBytes: number;
  private buffer: Buffer = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private frames = 0;
  private clipped = 0;
  private position: number;
  private state: 'open' | 'finished' | 'aborted' = 'open';

  private constructor(
    private readonly file: WavFileTarget,
    private readonly handle: FileHandle,
    options: WavWriterOptions,
  ) {
    this.options = options;
    this.layout = headerLayout(options);
    this.sampleBytes = bytesPerSample(options.format);
    this.position = this.layout.size;
  }

  /** Starts a WAV file for `destination` (written beside it until finish()). */
  static async open(destination: string, options: WavWriterOptions): Promise<WavWriter> {
    // Checked before the temporary file exists, so bad settings leave nothing behind.
    checkWavOptions(options);
    return WavWriter.start(await AtomicFile.create(destination), options);
  }

  /** Starts a WAV file in `file`'s temporary file; finish() commits it, abort() drops it. */
  static async openTarget(file: WavFileTarget, options: WavWriterOptions): Promise<WavWriter> {
    try {
      checkWavOptions(options);
    } catch (error) {
      await file.abort();
      throw error;
    }
    return WavWriter.start(file, options);
  }

  /** Opens `file`'s temporary file and writes a provisional header (settings already checked). */
  private static async start(file: WavFileTarget, options: WavWriterOptions): Promise<WavWriter> {
    try {
      const handle = await open(file.tempPath, 'r+');
      const writer = new WavWriter(file, handle, options);
      await handle.write(wavHeader(options, 0), 0, writer.layout.size, 0);
      return writer;
    } catch (error) {
      await file.abort();
      throw error;
    }
  }

  /** Frames written so far. */
  get framesWritten(): Frames {
    return this.frames;
  }

  /** Path of the temporary file being written. */
  get tempPath(): string {
    return this.file.tempPath;
  }

  /**
   * Appends a chunk. Resolves once it is written: await it for backpressure. Calls that do not wait are
   * queued in order; the chunk's arrays must stay unchanged until its promise resolves.
   */
  write(chunk: AudioChunk): Promise<void> {
    const step = this.queue.then(() => this.writeNow(chunk));
    this.queue = step.catch(() => undefined);
    return step;
  }

  /** Completes the header, closes the file and renames it over the destination. */
  async finish(): Promise<WavSummary> {
    if (this.state !== 'open') throw new Error(`WavWriter.finish() after ${this.state}`);
    await this.queue;
    this.state = 'finished';
    try {
      const dataBytes = this.frames * this.sampleBytes * this.options.channels;
      if (dataBytes % 2) {
        await this.handle.write(Buffer.alloc(1), 0, 1, this.position);
        this.position += 1;
      }
      await this.handle.write(wavHeader(this.options, this.frames), 0, this.layout.size, 0);
      await this.handle.close();
      await this.file.commit();
    } catch (error) {
      await this.handle.close().catch(() => undefined);
      await this.file.abort();
      throw error;
    }
    return { path: this.file.destination, frames: this.frames, bytes: this.position, clippedSamples: this.clipped };
  }

  /** Stops writing and removes the temporary file; the destination stays as it was. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    await this.queue;
    await this.handle.close().catch(() => undefined);
    await this.file.abort();
  }

  /** Releases the file if it was not finished (same as abort()). */
  dispose(): Promise<void> {
    return this.abort();
  }

  private async writeNow(chunk: AudioChunk): Promise<void> {
    if (this.state !== 'open') throw new Error(`WavWriter.write() after ${this.state}`);
    const { channels } = this.options;
    if (chunk.channels.length !== channels) {
      throw new Error(`chunk has ${chunk.channels.length} channels, the WAV file ${channels}`);
    }
    const frames = chunk.channels[0].length;
    const bytes = frames * channels * this.sampleBytes;
    if (this.position + bytes + 1 - 8 > MAX_RIFF_BYTES) {
      throw new Error('WAV files cannot exceed 4 GiB: use fewer channels, a shorter patch or a smaller sample format');
    }
    // Its own ArrayBuffer (never a slice of Node's pool), so typed-array views over it are aligned.
    if (this.buffer.length < bytes) this.buffer = Buffer.from(new ArrayBuffer(bytes));
    this.encode(chunk.channels, frames);
    await this.handle.write(this.buffer, 0, bytes, this.position);
    this.position += bytes;
    this.frames += frames;
  }

  /**
   * Writes samples through typed-array views of the buffer (the platform's byte order is the file's): 3x faster
   * than Buffer's write methods (an hour of stereo to 16-bit: 2.6 s instead of 8.3 s, with the writes).
   */
  private encode(data: Float32Array[], frames: number): void {
    const channels = data.length;
    const { buffer } = this.buffer;
    let clipped = 0;
    switch (this.options.format) {
      case 'float32': {
        const out = new Float32Array(buffer, 0, frames * channels);
        for (let c = 0; c < channels; c++) {
          const samples = data[c];
          for (let i = 0, o = c; i < frames; i++, o += channels) out[o] = samples[i];
        }
        return;
      }
      case 'pcm16': {
        const out = new Int16Array(buffer, 0, frames * channels);
        for (let c = 0; c < channels; c++) {
          const samples = data[c];
          for (let i = 0, o = c; i < frames; i++, o += channels) {
            const sample = samples[i];
            if (sample > 1 || sample < -1) clipped++;
            out[o] = roundedPcm(sample, PCM16_FULL_SCALE);
          }
        }
        break;
      }
      case 'pcm24': {
        const out = new Uint8Array(buffer, 0, frames * channels * 3);
        const stride = channels * 3;
        for (let c = 0; c < channels; c++) {
          const samples = data[c];
          for (let i = 0, o = c * 3; i < frames; i++, o += stride) {
            const sample = samples[i];
            if (sample > 1 || sample < -1) clipped++;
            const value = roundedPcm(sample, PCM24_FULL_SCALE);
            out[o] = value & 0xff;
            out[o + 1] = (value >> 8) & 0xff;
            out[o + 2] = (value >> 16) & 0xff;
          }
        }
        break;
      }
    }
    this.clipped += clipped;
  }
}
