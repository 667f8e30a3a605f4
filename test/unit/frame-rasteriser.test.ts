import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FRAME_INK, FrameRasteriser, formatTime } from '../../src/engine/frame-rasteriser';
import { drawText, textWidth, type Plane } from '../../src/engine/pixel-font';
import type { AudioChunk } from '../../src/engine/render-types';
import { FREQUENCY_SCALES, type FrequencyScaleKind } from '../../src/engine/spectrogram-scale';
import {
  SpectrogramFrames,
  resolvePictureOptions,
  videoFrameCount,
  type FrameSink,
  type VideoPictureOptions,
} from '../../src/engine/video-render';
import { infoOf, renderDemoAudio, renderTone } from './helpers/demo-audio';

const sampleRate = 48000;

/**
 * Runs audio through the video pipeline in chunks of the given sizes (cycled); keeps a digest of every
 * frame and a copy of the frames `keep` accepts (all by default).
 */
async function drawFrames(
  channels: Float32Array[],
  picture: VideoPictureOptions,
  chunkSizes: number[] = [4096],
  keep: (index: number) => boolean = () => true,
): Promise<{ frames: Uint8Array[]; digests: string[]; pipeline: SpectrogramFrames }> {
  const pipeline = new SpectrogramFrames(infoOf(channels), resolvePictureOptions(picture));
  const buffer = new Uint8Array(pipeline.rasteriser.frameBytes);
  const frames: Uint8Array[] = [];
  const digests: string[] = [];
  const sink: FrameSink = {
    frameBuffer: async () => buffer,
    submitFrame: (frame, index) => {
      digests.push(createHash('sha1').update(frame).digest('hex'));
      if (keep(index)) frames[index] = frame.slice();
    },
  };
  let offset = 0;
  for (let i = 0; offset < channels[0].length; i++) {
    const size = chunkSizes[i % chunkSizes.length];
    const chunk: AudioChunk = { startFrame: offset, channels: channels.map((c) => c.slice(offset, offset + size)) };
    await pipeline.push(chunk, sink);
    offset += size;
  }
  await pipeline.end(sink);
  return { frames, digests, pipeline };
}

function luma(frame: Uint8Array, width: number, x: number, y: number): number {
  return frame[y * width + x];
}

/** Bounding box of pixels of exactly `value` in a region. */
function inkBox(frame: Uint8Array, width: number, value: number, x0: number, y0: number, x1: number, y1: number) {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (luma(frame, width, x, y) !== value) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, right, bottom };
}

/** The font's ink mask of a text. */
function textMask(text: string, scale: number): Plane {
  const w = textWidth(text, scale);
  const h = 9 * scale;
  const plane: Plane = { data: new Uint8Array(w * h), width: w, height: h, stride: w };
  drawText(plane, 0, 0, text, scale, 255);
  return plane;
}

/** Whether `text` is drawn at (x, y) exactly as the font draws it, in luma `value`. */
function textAt(frame: Uint8Array, width: number, text: string, x: number, y: number, scale: number, value: number): boolean {
  const mask = textMask(text, scale);
  for (let dy = 0; dy < mask.height; dy++) {
    for (let dx = 0; dx < mask.width; dx++) {
      const inked = mask.data[dy * mask.width + dx] === 255;
      if (inked !== (luma(frame, width, x + dx, y + dy) === value)) return false;
    }
  }
  return true;
}

/** Where `text` is drawn inside a region (top-left corner of its cell), or undefined. */
function findText(frame: Uint8Array, width: number, text: string, scale: number, value: number, x0: number, y0: number, x1: number, y1: number) {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (textAt(frame, width, text, x, y, scale, value)) return { x, y };
  return undefined;
}

describe('frame-rasteriser', () => {
  let music: Float32Array[];

  before(async () => {
    music = await renderDemoAudio({ sampleRate, channels: 2, duration: 3 });
  });

  it('draws a steady tone as a bright row at the height of its frequency, on every scale', async () => {
    for (const [frequency, scale] of [
      [440, 'log'],
      [3000, 'log'],
      [3000, 'linear'],
      [1000, 'mel'],
      [12000, 'linear'],
    ] as Array<[number, FrequencyScaleKind]>) {
      const tone = await renderTone(frequency, 2, sampleRate);
      const { frames, pipeline } = await drawFrames([tone], { scale, width: 960, height: 540 }, [4096], (i) => i === 59);
      const { plot } = pipeline.rasteriser.layout;
      const last = frames[frames.length - 1];
      // Average luma per row over columns well inside the tone (not the playhead).
      let brightest = -1;
      let brightestLevel = -1;
      for (let y = plot.y; y < plot.y + plot.height; y++) {
        let sum = 0;
        for (let x = plot.x + plot.width - 160; x < plot.x + plot.width - 20; x++) sum += luma(last, 960, x, y);
        if (sum > brightestLevel) {
          brightestLevel = sum;
          brightest = y;
        }
      }
      const expectedRow = pipeline.rasteriser.frequencyScale.rowOf(frequency);
      const expectedY = plot.y + plot.height - 1 - expectedRow;
      assert.ok(Math.abs(brightest - expectedY) <= 2, `${frequency} Hz on ${scale}: brightest row ${brightest}, expected ${expectedY}`);
      assert.ok(brightestLevel / 140 > 180, `${frequency} Hz row is bright (${brightestLevel / 140})`);
    }
  });

  it('labels the axes, the title and the clock with the pixel font', async () => {
    const { frames, pipeline } = await drawFrames(music, { title: 'Demo Groove' }, [4096], (i) => i === 45);
    const r = pipeline.rasteriser;
    const { plot, textScale: s } = r.layout;
    const frame = frames[45];
    // Title: exactly the font's rendering, left-aligned with the plot.
    const title = inkBox(frame, 1280, FRAME_INK.title, 0, 0, 640, plot.y);
    assert.equal(title.left, plot.x);
    assert.ok(textAt(frame, 1280, 'Demo Groove', plot.x, title.top, s + 1, FRAME_INK.title), 'title');
    // Each frequency label sits left of the plot, right-aligned, centred on its tick.
    const ticks = r.frequencyScale.ticks((10 + 4) * s);
    assert.ok(ticks.length >= 8);
    const rightEdges = new Set<number>();
    for (const tick of ticks) {
      const y = plot.y + plot.height - 1 - Math.floor(tick.position);
      const found = findText(frame, 1280, tick.label, s, FRAME_INK.label, 0, Math.max(0, y - 12 * s), plot.x, y + 4 * s);
      assert.ok(found, `label ${tick.label} near y ${y}`);
      assert.ok(Math.abs(found.y + (7 * s) / 2 - y) <= 4 * s, `label ${tick.label} is centred on its tick`);
      rightEdges.add(found.x + textWidth(tick.label, s));
    }
    assert.equal(rightEdges.size, 1, 'labels are right-aligned');
    // Clock of frame 45 (1.5 s) at the top right.
    assert.ok(findText(frame, 1280, formatTime(1.5, true), s, FRAME_INK.title, 640, 0, 1280, plot.y), 'clock');
    // Time labels under the plot: 0:00 and 0:01 are visible at 1.5 s, one second apart.
    const bottom = plot.y + plot.height;
    const zero = findText(frame, 1280, '0:00', s, FRAME_INK.label, plot.x, bottom, plot.x + plot.width, 720);
    const one = findText(frame, 1280, '0:01', s, FRAME_INK.label, plot.x, bottom, plot.x + plot.width, 720);
    assert.ok(zero && one, 'time labels');
    assert.equal(one.x - zero.x, 120, 'one second is 120 px');
  });

  it('writes every byte of the target: a reused buffer keeps nothing of the previous frame', async () => {
    const info = infoOf(music);
    for (const mode of ['scroll', 'static'] as const) {
      const picture = resolvePictureOptions({ mode, waveform: true });
      const make = () => new SpectrogramFrames(info, picture);
      const zeros = make();
      const ones = make();
      const a: string[] = [];
      const b: string[] = [];
      const digest = (f: Uint8Array) => createHash('sha1').update(f).digest('hex');
      const bufferA = new Uint8Array(zeros.rasteriser.frameBytes);
      const bufferB = new Uint8Array(ones.rasteriser.frameBytes);
      await zeros.push({ startFrame: 0, channels: music }, {
        frameBuffer: async () => bufferA.fill(0),
        submitFrame: (f) => a.push(digest(f)),
      });
      await ones.push({ startFrame: 0, channels: music }, {
        frameBuffer: async () => bufferB.fill(255),
        submitFrame: (f) => b.push(digest(f)),
      });
      assert.ok(a.length > 60);
      assert.deepEqual(a, b, `${mode}: frames drawn into zeroed and into 0xff-filled buffers differ`);
      assert.ok(new Set(a).size > a.length / 2, 'the frames change over time');
    }
  });

  it('draws the same frames however the audio is chunked (streamed picture = batch picture)', async () => {
    const none = () => false;
    for (const picture of [{ mode: 'scroll', waveform: true }, { mode: 'static', waveform: true, scale: 'mel' }] as VideoPictureOptions[]) {
      const whole = await drawFrames(music, picture, [music[0].length], none);
      const small = await drawFrames(music, picture, [1, 127, 4000, 333, 12345, 64], none);
      const fixed = await drawFrames(music, picture, [1600], none);
      assert.equal(whole.digests.length, videoFrameCount(infoOf(music), 30));
      assert.deepEqual(small.digests, whole.digests, `${picture.mode}: random chunks`);
      assert.deepEqual(fixed.digests, whole.digests, `${picture.mode}: one frame of audio per chunk`);
    }
  });

  it('scrolls: each frame is the previous one moved left by a fixed number of columns', async () => {
    const { frames, pipeline } = await drawFrames(music, {}, [4096], (i) => i >= 20 && i <= 81);
    const { plot } = pipeline.rasteriser.layout;
    const shift = 4; // 120 px/s at 30 fps
    for (const k of [20, 50, 80]) {
      const before = frames[k];
      const after = frames[k + 1];
      for (let y = plot.y; y < plot.y + plot.height; y += 7) {
        for (let x = plot.x; x < plot.x + plot.width - shift - 2; x++) {
          if (luma(after, 1280, x, y) !== luma(before, 1280, x + shift, y)) {
            assert.fail(`frame ${k + 1} at (${x}, ${y}) is not frame ${k} at (${x + shift}, ${y})`);
          }
        }
      }
      // The playhead: two bright columns at the right edge of the plot.
      assert.equal(luma(after, 1280, plot.x + plot.width - 1, plot.y + 100), FRAME_INK.playhead);
    }
  });

  it('static mode fills the plot up to a cursor at the current time', async () => {
    const { frames, pipeline } = await drawFrames(music, { mode: 'static' }, [4096], (i) => i % 30 === 0);
    const { plot } = pipeline.rasteriser.layout;
    const duration = music[0].length / sampleRate;
    const empty = frames[0];
    for (const k of [30, 60]) {
      const frame = frames[k];
      const cursor = plot.x + (Math.floor((k / 30 / duration) * plot.width) & ~1);
      const y = plot.y + plot.height - 60;
      assert.equal(luma(frame, 1280, cursor, y), FRAME_INK.playhead, `frame ${k}: cursor at ${cursor}`);
      let differences = 0;
      for (let x = plot.x + 2; x < cursor - 2; x++) if (luma(frame, 1280, x, y) !== luma(empty, 1280, x, y)) differences++;
      assert.ok(differences > (cursor - plot.x) / 3, `frame ${k}: the plot left of the cursor is drawn`);
      for (let x = cursor + 4; x < plot.x + plot.width; x++) {
        assert.equal(luma(frame, 1280, x, y), luma(empty, 1280, x, y), `frame ${k}: nothing right of the cursor (x ${x})`);
      }
    }
  });

  it('checks its settings', () => {
    const base = {
      width: 1280,
      height: 720,
      fps: 30,
      mode: 'scroll' as const,
      sampleRate,
      duration: 1,
      fftSize: 2048,
      scale: 'log' as const,
      colormap: 'magma' as const,
      dbRange: { min: -100, max: 0 },
      waveform: false,
      title: 't',
    };
    assert.throws(() => new FrameRasteriser({ ...base, width: 1279 }), /even/);
    assert.throws(() => new FrameRasteriser({ ...base, fps: 0 }), /frame rate/);
    assert.throws(() => new FrameRasteriser({ ...base, dbRange: { min: 0, max: -10 } }), /dB range/);
    for (const scale of FREQUENCY_SCALES) assert.ok(new FrameRasteriser({ ...base, scale }).hop > 0);
  });

  it('formats times', () => {
    assert.equal(formatTime(0, false), '0:00');
    assert.equal(formatTime(65.25, true), '1:05.3');
    assert.equal(formatTime(3725, false), '1:02:05');
  });
});
