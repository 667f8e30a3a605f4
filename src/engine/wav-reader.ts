// Small WAV reader (PCM 16/24/32-bit, IEEE float 32-bit, plain or WAVE_FORMAT_EXTENSIBLE headers): reads
// the header fields for checks, decodes whole files for tests, and streams the samples of long files in
// chunks. Integers decode as value / 2^(bits-1).
import { open, readFile } from 'node:fs/promises';
import type { AudioChunk } from './render-types';
import type { Frames, Hertz } from './units';

/** The header fields of a WAV file. */
export interface WavInfo {
  /** wFormatTag: 1 PCM, 3 IEEE float, 0xFFFE extensible. */
  formatTag: number;
  /** The sub-format of an extensible header (1 PCM, 3 float), else the format tag. */
  sampleType: number;
  channels: number;
  sampleRate: Hertz;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** wValidBitsPerSample of an extensible header. */
  validBitsPerSample?: number;
  channelMask?: number;
  /** dwSampleLength of the 'fact' chunk, if any. */
  factSampleLength?: number;
  /** Chunk ids in file order. */
  chunks: string[];
  /** The RIFF size field. */
  riffSize: number;
  dataOffset: number;
  dataBytes: number;
  frames: Frames;
}

/** Parses a WAV header from the start of a file (the buffer must reach the 'data' chunk's header). */
export function parseWavHeader(buffer: Buffer): WavInfo {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  const chunks: string[] = [];
  let info: Partial<WavInfo> = { riffSize: buffer.readUInt32LE(4) };
  let o = 12;
  while (o + 8 <= buffer.length) {
    const id = buffer.toString('ascii', o, o + 4);
    const size = buffer.readUInt32LE(o + 4);
    chunks.push(id);
    const body = o + 8;
    if (id === 'fmt ') {
      const formatTag = buffer.readUInt16LE(body);
      info = {
        ...info,
        formatTag,
        sampleType: formatTag,
        channels: buffer.readUInt16LE(body + 2),
        sampleRate: buffer.readUInt32LE(body + 4),
        byteRate: buffer.readUInt32LE(body + 8),
        blockAlign: buffer.readUInt16LE(body + 12),
        bitsPerSample: buffer.readUInt16LE(body + 14),
      };
      if (formatTag === 0xfffe && size >= 40) {
        info.validBitsPerSample = buffer.readUInt16LE(body + 18);
        info.channelMask = buffer.readUInt32LE(body + 20);
        info.sampleType = buffer.readUInt16LE(body + 24);
      }
    } else if (id === 'fact') {
      info.factSampleLength = buffer.readUInt32LE(body);
    } else if (id === 'data') {
      if (info.formatTag === undefined || !info.blockAlign) throw new Error("WAV 'data' chunk before 'fmt '");
      return {
        ...(info as WavInfo),
        chunks,
        dataOffset: body,
        dataBytes: size,
        frames: Math.floor(size / info.blockAlign),
      };
    }
    o = body + size + (size % 2);
  }
  throw new Error("no WAV 'data' chunk found");
}

function decodeFrames(info: WavInfo, data: Buffer, frames: number, channels: Float32Array[], at: number): void {
  const { blockAlign, bitsPerSample, sampleType } = info;
  const bytes = bitsPerSample / 8;
  const float = sampleType === 3;
  if (!float && sampleType !== 1) throw new Error(`unsupported WAV sample type ${sampleType}`);
  if (float && bitsPerSample !== 32) throw new Error(`unsupported float WAV of ${bitsPerSample} bits`);
  if (!float && ![16, 24, 32].includes(bitsPerSample)) throw new Error(`unsupported PCM WAV of ${bitsPerSample} bits`);
  const scale = float ? 1 : 1 / 2 ** (bitsPerSample - 1);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) {
      const o = i * blockAlign + c * bytes;
      channels[c][at + i] = float ? data.readFloatLE(o) : data.readIntLE(o, bytes) * scale;
    }
  }
}

/** Reads a whole WAV file: its header and one Float32Array per channel. */
export async function readWav(path: string): Promise<{ info: WavInfo; channels: Float32Array[] }> {
  const buffer = await readFile(path);
  const info = parseWavHeader(buffer);
  const channels = Array.from({ length: info.channels }, () => new Float32Array(info.frames));
  decodeFrames(info, buffer.subarray(info.dataOffset, info.dataOffset + info.frames * info.blockAlign), info.frames, channels, 0);
  return { info, channels };
}

/** Reads just the header of a WAV file. */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return parseWavHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Streams a WAV file's samples as chunks of `framesPerChunk` frames (the last may be shorter). */
export async function* readWavChunks(path: string, framesPerChunk: Frames): AsyncGenerator<AudioChunk> {
  const info = await readWavInfo(path);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(framesPerChunk * info.blockAlign);
    for (let frame = 0; frame < info.frames; frame += framesPerChunk) {
      const frames = Math.min(framesPerChunk, info.frames - frame);
      const bytes = frames * info.blockAlign;
      const { bytesRead } = await handle.read(buffer, 0, bytes, info.dataOffset + frame * info.blockAlign);
      if (bytesRead < bytes) throw new Error(`WAV file ${path} ends early`);
      const channels = Array.from({ length: info.channels }, () => new Float32Array(frames));
      decodeFrames(info, buffer, frames, channels, 0);
      yield { startFrame: frame, channels };
    }
  } finally {
    await handle.close();
  }
}
