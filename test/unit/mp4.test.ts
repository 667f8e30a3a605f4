import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegNotFoundError, locateFfmpeg } from '../../src/engine/ffmpeg-locate';
import { FfmpegError, Mp4Encoder, interleaveAudio } from '../../src/engine/mp4-encoder';
import type { AudioChunk, PatchInfo } from '../../src/engine/render-types';
import {
  SpectrogramFrames,
  chunkProducer,
  renderVideo,
  resolvePictureOptions,
  videoFrameCount,
  type ChunkProducer,
} from '../../src/engine/video-render';
import { infoOf, renderDemoAudio } from './helpers/demo-audio';

const sampleRate = 48000;

function chunksOf(channels: Float32Array[], size: number): AudioChunk[] {
  const chunks: AudioChunk[] = [];
  for (let offset = 0; offset < channels[0].length; offset += size) {
    chunks.push({ startFrame: offset, channels: channels.map((c) => c.slice(offset, offset + size)) });
  }
  return chunks;
}

interface ProbedStream {
  codec_name: string;
  codec_type: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  color_space?: string;
}

function probe(path: string): { streams: ProbedStream[]; format: { format_name: string } } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as { streams: ProbedStream[]; format: { format_name: string } };
}

/** Whether the MP4's moov atom comes before its mdat (faststart). */
function moovFirst(path: string): boolean {
  const data = readFileSync(path);
  let offset = 0;
  while (offset + 8 <= data.length) {
    const size = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    if (type === 'moov') return true;
    if (type === 'mdat') return false;
    offset += size;
  }
  return false;
}

/** A producer that hands chunks over one by one and lets the test act after chunk `at`. */
function producerWithHook(info: PatchInfo, chunks: AudioChunk[], at: number, hook: () => void): ChunkProducer {
  return async (sink, signal) => {
    sink.onInfo(info);
    for (let i = 0; i < chunks.length && !signal.aborted; i++) {
      await sink.onChunk(chunks[i]);
      if (i === at) hook();
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = /State:\s+(\w)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), what);
}

describe('mp4 export', () => {
  let dir: string;
  let music: Float32Array[];

  before(async () => {
    music = await renderDemoAudio({ sampleRate, channels: 2, duration: 3.5 });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchscope-mp4-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes H.264 yuv420p + AAC at 1280x720, 30 fps, with the right frame count and audio length', async () => {
    const destination = join(dir, 'groove.mp4');
    const info = infoOf(music);
    const result = await renderVideo(chunkProducer(info, chunksOf(music, 12000)), { destination, title: 'groove' });
    assert.equal(result.path, destination);
    assert.deepEqual(readdirSync(dir), ['groove.mp4']);
    const { streams, format } = probe(destination);
    assert.match(format.format_name, /mp4/);
    const video = streams.find((s) => s.codec_type === 'video') as ProbedStream;
    const audio = streams.find((s) => s.codec_type === 'audio') as ProbedStream;
    assert.equal(video.codec_name, 'h264');
    assert.equal(video.pix_fmt, 'yuv420p');
    assert.equal(video.width, 1280);
    assert.equal(video.height, 720);
    assert.equal(video.r_frame_rate, '30/1');
    assert.equal(video.color_space, 'bt709');
    const expectedFrames = Math.ceil(3.5 * 30);
    assert.equal(Number(video.nb_read_frames), expectedFrames);
    assert.equal(result.frames, expectedFrames);
    assert.equal(audio.codec_name, 'aac');
    assert.equal(audio.sample_rate, '48000');
    assert.equal(audio.channels, 2);
    assert.ok(Math.abs(Number(audio.duration) - 3.5) <= 1 / 30, `audio lasts ${audio.duration} s`);
    assert.ok(moovFirst(destination), 'faststart: moov before mdat');
  });

  it('encodes the frames the rasteriser drew (decoded picture matches)', async () => {
    const destination = join(dir, 'picture.mp4');
    const info = infoOf(music);
    await renderVideo(chunkProducer(info, chunksOf(music, 4800)), { destination, crf: 16 });
    const frameIndex = 75;
    const decoded = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', destination, '-vf', `select=eq(n\\,${frameIndex})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'],
      { maxBuffer: 1 << 24 },
    );
    const pipeline = new SpectrogramFrames(info, resolvePictureOptions({}));
    let drawn: Uint8Array | undefined;
    const buffer = new Uint8Array(pipeline.rasteriser.frameBytes);
    const sink = { frameBuffer: async () => buffer, submitFrame: (frame: Uint8Array, index: number) => { if (index === frameIndex) drawn = frame.slice(); } };
    await pipeline.push({ startFrame: 0, channels: music }, sink);
    await pipeline.end(sink);
    assert.ok(drawn);
    assert.equal(decoded.length, drawn.length);
    let difference = 0;
    for (let i = 0; i < drawn.length; i++) difference += Math.abs(decoded[i] - drawn[i]);
    const mean = difference / drawn.length;
    assert.ok(mean < 1.5, `decoded frame differs by ${mean.toFixed(2)} per byte on average`);
  });

  it('mixes more than two channels to stereo and handles mono', async () => {
    const quad = [music[0], music[1], music[0], music[1]].map((c) => c.slice(0, sampleRate));
    const destination = join(dir, 'quad.mp4');
    await renderVideo(chunkProducer(infoOf(quad), chunksOf(quad, 9000)), { destination, width: 640, height: 360, fps: 25 });
    const { streams } = probe(destination);
    const video = streams.find((s) => s.codec_type === 'video') as ProbedStream;
    assert.equal(streams.find((s) => s.codec_type === 'audio')?.channels, 2);
    assert.equal(video.width, 640);
    assert.equal(video.r_frame_rate, '25/1');
    assert.equal(Number(video.nb_read_frames), 25);

    const interleaved = interleaveAudio([Float32Array.from([1, 2]), Float32Array.from([3, 4]), Float32Array.from([5, 6])]);
    const values = new Float32Array(interleaved.buffer, interleaved.byteOffset, 4);
    assert.deepEqual([...values], [3, 3, 4, 4]); // left = mean(ch 1, ch 3), right = ch 2

    const mono = [music[0].slice(0, sampleRate / 2)];
    const monoPath = join(dir, 'mono.mp4');
    await renderVideo(chunkProducer(infoOf(mono), chunksOf(mono, 7000)), { destination: monoPath, width: 640, height: 360 });
    assert.equal(probe(monoPath).streams.find((s) => s.codec_type === 'audio')?.channels, 1);
  });

  it('cancel kills ffmpeg, leaves no file and keeps an existing destination', async () => {
    const destination = join(dir, 'cancelled.mp4');
    writeFileSync(destination, 'previous video');
    const controller = new AbortController();
    let pid: number | undefined;
    const findFfmpeg = (): number | undefined => {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
          if (cmdline.includes('ffmpeg') && cmdline.includes(dir)) return Number(entry);
        } catch {
          // Gone meanwhile.
        }
      }
      return undefined;
    };
    const producer = producerWithHook(infoOf(music), chunksOf(music, 4800), 8, () => {
      pid = findFfmpeg();
      assert.ok(readdirSync(dir).some((name) => name.endsWith('.tmp')), 'ffmpeg writes a temporary file');
      controller.abort();
    });
    await assert.rejects(renderVideo(producer, { destination, signal: controller.signal }), (error: Error) => error.name === 'AbortError');
    assert.ok(pid, 'ffmpeg was running');
    await waitFor(() => !isAlive(pid as number), 'ffmpeg is gone');
    assert.deepEqual(readdirSync(dir), ['cancelled.mp4']);
    assert.equal(readFileSync(destination, 'utf8'), 'previous video');
  });

  it('reports the tail of ffmpeg stderr and leaves no file when ffmpeg rejects its arguments', async () => {
    const destination = join(dir, 'bad-args.mp4');
    await assert.rejects(
      renderVideo(chunkProducer(infoOf(music), chunksOf(music, 12000)), { destination, preset: 'not-a-preset' }),
      (error: Error) => {
        assert.ok(error instanceof FfmpegError, String(error));
        assert.match(error.message, /exit code \d+/);
        assert.match(error.stderrTail, /preset/i);
        return true;
      },
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('reports ffmpeg dying mid-way and leaves no file', async () => {
    const destination = join(dir, 'killed.mp4');
    writeFileSync(destination, 'previous video');
    let encoderPid: number | undefined;
    const producer = producerWithHook(infoOf(music), chunksOf(music, 4800), 10, () => {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) encoderPid = Number(entry);
        } catch {
          // Gone meanwhile.
        }
      }
      assert.ok(encoderPid);
      process.kill(encoderPid, 'SIGKILL');
    });
    await assert.rejects(renderVideo(producer, { destination }), (error: Error) => {
      assert.ok(error instanceof FfmpegError, String(error));
      assert.match(error.message, /SIGKILL|stopped before the video was complete/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), ['killed.mp4']);
    assert.equal(readFileSync(destination, 'utf8'), 'previous video');
  });

  it('fails with a clear error when the configured ffmpeg does not run', async () => {
    const destination = join(dir, 'none.mp4');
    await assert.rejects(
      renderVideo(chunkProducer(infoOf(music), chunksOf(music, 12000)), { destination, ffmpegPath: join(dir, 'no-such-ffmpeg') }),
      (error: Error) => {
        assert.ok(error instanceof FfmpegNotFoundError);
        assert.match(error.message, /no-such-ffmpeg: not found/);
        assert.match(error.message, /patchscope\.ffmpegPath/);
        return true;
      },
    );
    const notFfmpeg = join(dir, 'not-ffmpeg');
    writeFileSync(notFfmpeg, '#!/bin/sh\necho hello\n');
    chmodSync(notFfmpeg, 0o755);
    await assert.rejects(locateFfmpeg({ configured: notFfmpeg }), /does not look like ffmpeg/);
    await assert.rejects(locateFfmpeg({ skipPath: true, skipBundled: true }), FfmpegNotFoundError);
    assert.deepEqual(readdirSync(dir), ['not-ffmpeg']);
  });

  it('finds ffmpeg on PATH first, and the bundled one (restoring its execute bit) without PATH', async () => {
    const onPath = await locateFfmpeg();
    assert.equal(onPath.source, 'path');
    assert.match(onPath.version, /^ffmpeg version/);
    // The bundled binary as npm 11 leaves it (no install script): not executable. Work on a copy of the package.
    const bundled = (await locateFfmpeg({ skipPath: true })).path;
    const mode = statSync(bundled).mode;
    try {
      chmodSync(bundled, 0o644);
      const found = await locateFfmpeg({ skipPath: true });
      assert.equal(found.source, 'bundled');
      assert.ok(statSync(bundled).mode & 0o100, 'execute bit restored');
    } finally {
      chmodSync(bundled, mode);
    }
  });

  it('exports with the bundled ffmpeg that npm installs', async () => {
    const bundled = (await locateFfmpeg({ skipPath: true })).path;
    const copy = join(dir, 'bundled-ffmpeg');
    copyFileSync(bundled, copy);
    chmodSync(copy, 0o755);
    const clip = music.map((c) => c.slice(0, sampleRate));
    const destination = join(dir, 'bundled.mp4');
    const result = await renderVideo(chunkProducer(infoOf(clip), chunksOf(clip, 12000)), { destination, ffmpegPath: copy });
    assert.match(result.ffmpeg.version, /^ffmpeg version/);
    const video = probe(destination).streams.find((s) => s.codec_type === 'video') as ProbedStream;
    assert.equal(video.codec_name, 'h264');
    assert.equal(Number(video.nb_read_frames), videoFrameCount(infoOf(clip), 30));
  });

  it('holds the producer back while ffmpeg does not read (backpressure), then goes on', async () => {
    const destination = join(dir, 'paused.mp4');
    const encoder = await Mp4Encoder.open({ destination, width: 640, height: 360, fps: 30, sampleRate, channels: 2 });
    const pid = encoder.pid as number;
    encoder.writeAudio({ startFrame: 0, channels: [new Float32Array(2 * sampleRate), new Float32Array(2 * sampleRate)] });
    process.kill(pid, 'SIGSTOP');
    try {
      let accepted = 0;
      const producing = (async () => {
        for (let i = 0; i < 50; i++) {
          const buffer = await encoder.frameBuffer();
          buffer.fill(i % 2 ? 60 : 120, 0, 640 * 360).fill(128, 640 * 360);
          encoder.submitFrame(buffer);
          accepted++;
        }
      })();
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(accepted < 10, `${accepted} frames accepted while ffmpeg was stopped`);
      process.kill(pid, 'SIGCONT');
      await producing;
      assert.equal(accepted, 50);
      await encoder.finish();
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGCONT');
      await encoder.dispose();
    }
    const video = probe(destination).streams.find((s) => s.codec_type === 'video') as ProbedStream;
    assert.equal(Number(video.nb_read_frames), 50);
  });

  it('Mp4Encoder.abort() before any frame removes the temporary file', async () => {
    const encoder = await Mp4Encoder.open({ destination: join(dir, 'x.mp4'), width: 640, height: 360, fps: 30, sampleRate, channels: 2 });
    assert.equal(readdirSync(dir).length, 1);
    const pid = encoder.pid as number;
    encoder.abort();
    await encoder.closed;
    assert.deepEqual(readdirSync(dir), []);
    await waitFor(() => !isAlive(pid), 'ffmpeg is gone');
    assert.ok(!existsSync(join(dir, 'x.mp4')));
  });
});
