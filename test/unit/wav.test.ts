import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from '../../src/engine/atomic-file';
import type { AudioChunk } from '../../src/engine/render-types';
import { readWav, readWavChunks } from '../../src/engine/wav-reader';
import { WAV_SAMPLE_FORMATS, WavWriter, pcmValue, type WavSampleFormat } from '../../src/engine/wav-writer';
import { renderDemoAudio } from './helpers/demo-audio';

const sampleRate = 48000;

/** Splits channels into chunks of the given sizes (cycled). */
function chunksOf(channels: Float32Array[], sizes: number[]): AudioChunk[] {
  const chunks: AudioChunk[] = [];
  for (let offset = 0, i = 0; offset < channels[0].length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push({ startFrame: offset, channels: channels.map((c) => c.slice(offset, offset + size)) });
    offset += size;
  }
  return chunks;
}

async function writeWav(path: string, channels: Float32Array[], format: WavSampleFormat): Promise<void> {
  const writer = await WavWriter.open(path, { sampleRate, channels: channels.length, format });
  for (const chunk of chunksOf(channels, [1000, 4096, 1, 777])) await writer.write(chunk);
  await writer.finish();
}

/** What a sample reads back as: the writer's integer over 2^(bits-1), or the float itself. */
function expected(sample: number, format: WavSampleFormat): number {
  if (format === 'float32') return Math.fround(sample);
  const bits = format === 'pcm16' ? 16 : 24;
  return Math.fround(pcmValue(sample, bits) / 2 ** (bits - 1));
}

function ffprobe(path: string): Record<string, string> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'flat=s=_', path], { encoding: 'utf8' });
  const fields: Record<string, string> = {};
  for (const line of out.trim().split('\n')) {
    const [key, value] = line.split('=');
    fields[key.replace(/^streams_stream_0_/, '')] = value.replace(/^"|"$/g, '');
  }
  return fields;
}

describe('wav-writer', () => {
  let dir: string;
  let music: Float32Array[];

  before(async () => {
    music = await renderDemoAudio({ sampleRate, channels: 2, duration: 1.5 });
    // Push some samples past full scale so clipping is exercised.
    for (let i = 0; i < 200; i++) music[0][1000 + i] *= 4;
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchscope-wav-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips 16-bit, 24-bit and float audio through our reader', async () => {
    for (const format of WAV_SAMPLE_FORMATS) {
      const path = join(dir, `music-${format}.wav`);
      await writeWav(path, music, format);
      const { info, channels } = await readWav(path);
      assert.equal(info.sampleRate, sampleRate);
      assert.equal(info.channels, 2);
      assert.equal(info.frames, music[0].length);
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < music[c].length; i++) {
          if (channels[c][i] !== expected(music[c][i], format)) {
            assert.fail(`${format}: channel ${c} sample ${i} reads ${channels[c][i]}, expected ${expected(music[c][i], format)}`);
          }
        }
      }
    }
  });

  it('writes files that ffmpeg decodes to the same samples', async () => {
    const decoders: Record<WavSampleFormat, [string, string]> = {
      pcm16: ['s16le', 'pcm_s16le'],
      pcm24: ['s32le', 'pcm_s24le'],
      float32: ['f32le', 'pcm_f32le'],
    };
    for (const format of WAV_SAMPLE_FORMATS) {
      const path = join(dir, `music-${format}.wav`);
      await writeWav(path, music, format);
      const [rawFormat, codec] = decoders[format];
      const probe = ffprobe(path);
      assert.equal(probe.codec_name, codec);
      assert.equal(probe.sample_rate, String(sampleRate));
      assert.equal(probe.channels, '2');
      assert.equal(probe.duration_ts, String(music[0].length));
      const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', rawFormat, '-'], { maxBuffer: 1 << 26 });
      const frames = music[0].length;
      assert.equal(raw.length, frames * 2 * (format === 'pcm16' ? 2 : 4));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < 2; c++) {
          const sample = music[c][i];
          const index = i * 2 + c;
          const actual =
            format === 'pcm16' ? raw.readInt16LE(index * 2) : format === 'pcm24' ? raw.readInt32LE(index * 4) : raw.readFloatLE(index * 4);
          const wanted =
            format === 'pcm16' ? pcmValue(sample, 16) : format === 'pcm24' ? pcmValue(sample, 24) * 256 : Math.fround(sample);
          if (actual !== wanted) assert.fail(`${format}: ffmpeg reads ${actual} at frame ${i} channel ${c}, expected ${wanted}`);
        }
      }
    }
  });

  it('writes the header fields the format asks for', async () => {
    const mono = [music[0]];
    const quad = [music[0], music[1], music[1], music[0]];
    const cases: Array<[WavSampleFormat, Float32Array[], number, number | undefined, boolean]> = [
      // format, channels, format tag, channel mask, fact chunk
      ['pcm16', music, 1, undefined, false],
      ['pcm16', quad, 0xfffe, 0, false],
      ['pcm24', mono, 0xfffe, 0x4, false],
      ['float32', music, 0xfffe, 0x3, true],
    ];
    for (const [format, channels, tag, mask, fact] of cases) {
      const path = join(dir, `h-${format}-${channels.length}.wav`);
      await writeWav(path, channels, format);
      const { info } = await readWav(path);
      const bytes = format === 'pcm16' ? 2 : format === 'pcm24' ? 3 : 4;
      assert.equal(info.formatTag, tag, `${format} x${channels.length}: format tag`);
      assert.equal(info.sampleType, format === 'float32' ? 3 : 1);
      assert.equal(info.bitsPerSample, bytes * 8);
      assert.equal(info.blockAlign, bytes * channels.length);
      assert.equal(info.byteRate, bytes * channels.length * sampleRate);
      assert.equal(info.channelMask, mask);
      if (tag === 0xfffe) assert.equal(info.validBitsPerSample, bytes * 8);
      assert.equal(info.factSampleLength, fact ? channels[0].length : undefined);
      assert.deepEqual(info.chunks, fact ? ['fmt ', 'fact', 'data'] : ['fmt ', 'data']);
      assert.equal(info.dataBytes, channels[0].length * bytes * channels.length);
      const size = statSync(path).size;
      assert.equal(info.riffSize, size - 8, 'RIFF size covers the file');
      assert.equal(size % 2, 0);
      assert.equal(ffprobe(path).channels, String(channels.length));
    }
  });

  it('pads an odd-sized data chunk and still reads back', async () => {
    const path = join(dir, 'odd.wav');
    await writeWav(path, [music[0].slice(0, 1001)], 'pcm24');
    const { info, channels } = await readWav(path);
    assert.equal(info.dataBytes, 3003);
    assert.equal(statSync(path).size % 2, 0);
    assert.equal(channels[0].length, 1001);
    assert.equal(ffprobe(path).duration_ts, '1001');
  });

  it('clips and rounds integer samples as documented', () => {
    assert.equal(pcmValue(1, 16), 32767);
    assert.equal(pcmValue(-1, 16), -32767);
    assert.equal(pcmValue(3.5, 16), 32767);
    assert.equal(pcmValue(-7, 24), -8388607);
    assert.equal(pcmValue(Number.NaN, 16), 0);
    // Halves round away from zero, so the scale is symmetric.
    assert.equal(pcmValue(0.5 / 32767, 16), 1);
    assert.equal(pcmValue(-0.5 / 32767, 16), -1);
    assert.equal(pcmValue(2.5 / 8388607, 24), 3);
    assert.equal(pcmValue(-2.5 / 8388607, 24), -3);
    assert.equal(pcmValue(0.4 / 32767, 16), 0);
  });

  it('streams chunks back out of a file', async () => {
    const path = join(dir, 'stream.wav');
    await writeWav(path, music, 'float32');
    let frame = 0;
    for await (const chunk of readWavChunks(path, 5000)) {
      assert.equal(chunk.startFrame, frame);
      for (let c = 0; c < 2; c++) assert.deepEqual(chunk.channels[c], music[c].subarray(frame, frame + chunk.channels[c].length));
      frame += chunk.channels[0].length;
    }
    assert.equal(frame, music[0].length);
  });

  it('leaves no file when aborted', async () => {
    const path = join(dir, 'aborted.wav');
    const writer = await WavWriter.open(path, { sampleRate, channels: 2, format: 'pcm16' });
    await writer.write(chunksOf(music, [4096])[0]);
    assert.ok(existsSync(writer.tempPath), 'writes to a temporary file');
    assert.ok(!existsSync(path));
    await writer.abort();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('leaves an existing destination untouched until the new file is complete', async () => {
    const path = join(dir, 'existing.wav');
    writeFileSync(path, 'old content');
    const writer = await WavWriter.open(path, { sampleRate, channels: 2, format: 'pcm24' });
    for (const chunk of chunksOf(music, [12000])) {
      await writer.write(chunk);
      assert.equal(readFileSync(path, 'utf8'), 'old content');
    }
    assert.equal(readdirSync(dir).length, 2, 'the temporary file sits beside the destination');
    await writer.finish();
    assert.deepEqual(readdirSync(dir), ['existing.wav']);
    assert.equal((await readWav(path)).info.frames, music[0].length);

    // An aborted second write keeps the first complete file.
    const second = await WavWriter.open(path, { sampleRate, channels: 1, format: 'float32' });
    await second.write({ startFrame: 0, channels: [music[0].slice(0, 100)] });
    await second.abort();
    assert.equal((await readWav(path)).info.frames, music[0].length);
    assert.deepEqual(readdirSync(dir), ['existing.wav']);
  });

  it('rejects chunks with the wrong channel count and bad settings', async () => {
    const path = join(dir, 'bad.wav');
    await assert.rejects(WavWriter.open(path, { sampleRate, channels: 0, format: 'pcm16' }), /channel count/);
    await assert.rejects(WavWriter.open(path, { sampleRate, channels: 2, format: 'pcm8' as WavSampleFormat }), /unknown WAV format/);
    const writer = await WavWriter.open(path, { sampleRate, channels: 2, format: 'pcm16' });
    await assert.rejects(writer.write({ startFrame: 0, channels: [music[0]] }), /1 channels, the WAV file 2/);
    await writer.abort();
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('atomic-file', () => {
  it('keeps a hidden temporary name in the same folder until commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchscope-atomic-'));
    try {
      const file = await AtomicFile.create(join(dir, 'out.bin'));
      assert.equal(join(file.tempPath, '..'), dir);
      assert.match(file.tempPath, /\/\.out\.bin\.[0-9a-z]+-[0-9a-z]+-[0-9a-z]+\.tmp$/);
      writeFileSync(file.tempPath, 'data');
      assert.ok(!existsSync(join(dir, 'out.bin')));
      await file.commit();
      assert.equal(readFileSync(join(dir, 'out.bin'), 'utf8'), 'data');
      assert.deepEqual(readdirSync(dir), ['out.bin']);
      await assert.rejects(file.commit(), /after committed/);
      await assert.rejects(AtomicFile.create(join(dir, 'missing-folder', 'x.bin')), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives files made at once for the same destination their own temporary names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchscope-atomic-'));
    try {
      const files = await Promise.all(Array.from({ length: 64 }, () => AtomicFile.create(join(dir, 'out.wav'))));
      assert.equal(new Set(files.map((file) => file.tempPath)).size, 64);
      assert.equal(readdirSync(dir).length, 64);
      await Promise.all(files.map((file) => file.abort()));
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
