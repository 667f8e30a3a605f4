// Checking rendered files the way another program would read them: the WAV header, and ffprobe on an MP4.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/** Reads a WAV file's format and its length in frames from its RIFF chunks. */
export function readWavHeader(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a RIFF/WAVE file`);
  }
  let offset = 12;
  let format;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        formatTag: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        blockAlign: bytes.readUInt16LE(body + 12),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new Error(`${path}: data chunk before fmt chunk`);
      const dataBytes = Math.min(size, bytes.length - body);
      return { ...format, frames: dataBytes / format.blockAlign, dataBytes, declaredDataBytes: size };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Streams and duration of a media file, from ffprobe. */
export async function probeMedia(path) {
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v', 'error',
    '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,duration,sample_rate,nb_frames',
    '-of', 'json',
    path,
  ]);
  const parsed = JSON.parse(stdout);
  return {
    duration: Number(parsed.format?.duration),
    streams: (parsed.streams ?? []).map((stream) => ({
      type: stream.codec_type,
      codec: stream.codec_name,
      duration: stream.duration !== undefined ? Number(stream.duration) : undefined,
      width: stream.width,
      height: stream.height,
      sampleRate: stream.sample_rate !== undefined ? Number(stream.sample_rate) : undefined,
      frames: stream.nb_frames !== undefined ? Number(stream.nb_frames) : undefined,
    })),
  };
}
