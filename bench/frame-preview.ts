// Writes sample frames of the spectrogram video as PNG files, to look at the picture without a video
// player: `npx tsx bench/frame-preview.ts OUT_DIR [seconds] [key=value ...]` (keys: the picture options).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { PatchInfo } from '../src/engine/render-types';
import { SpectrogramFrames, resolvePictureOptions, type FrameSink, type VideoPictureOptions } from '../src/engine/video-render';
import { yuv420ToRgb } from '../src/engine/yuv420';
import { demoAudioChunks } from '../test/unit/helpers/demo-audio';

/** Encodes packed RGB as a PNG file (8-bit, no filtering). */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0;
    rows.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Renders `seconds` of the demo groove and saves the frames at the given times as PNG. */
export async function previewFrames(outDir: string, seconds: number, times: number[], picture: VideoPictureOptions): Promise<string[]> {
  const resolved = resolvePictureOptions(picture);
  const sampleRate = 48000;
  const info: PatchInfo = { duration: seconds, sampleRate, channels: 2, seed: 0, frames: seconds * sampleRate };
  const frames = new SpectrogramFrames(info, resolved);
  const wanted = new Set(times.map((t) => Math.min(frames.frameCount - 1, Math.round(t * resolved.fps))));
  const buffer = new Uint8Array(frames.rasteriser.frameBytes);
  const written: string[] = [];
  mkdirSync(outDir, { recursive: true });
  const sink: FrameSink = {
    frameBuffer: async () => buffer,
    submitFrame: (frame, index) => {
      if (!wanted.has(index)) return;
      const file = join(outDir, `frame-${resolved.mode}-${String(index).padStart(5, '0')}.png`);
      writeFileSync(file, encodePng(yuv420ToRgb(frame, resolved.width, resolved.height), resolved.width, resolved.height));
      written.push(file);
    },
  };
  for await (const chunk of demoAudioChunks({ sampleRate, channels: 2, duration: seconds }, 4096)) await frames.push(chunk, sink);
  await frames.end(sink);
  return written;
}

if (require.main === module) {
  const [outDir = '/tmp/patchscope-preview', seconds = '12', ...pairs] = process.argv.slice(2);
  const picture: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [key, value] = pair.split('=');
    picture[key] = value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value);
  }
  const duration = Number(seconds);
  previewFrames(outDir, duration, [duration * 0.3, duration * 0.75, duration], picture as VideoPictureOptions).then(
    (files) => console.log(files.join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
