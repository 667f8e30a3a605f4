// The preview's chunk scheduler and player on a real AudioContext in headless Chromium: chunks tile the
// clock exactly and play gaplessly; an underrun shows buffering and then resumes where it stopped; a seek
// plays from the new place; a loop region wraps with exact tiling.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestPage } from './lib/test-page.mjs';

const RATE = 48000;

/** Asserts each span starts exactly where the previous one ends, in frames and on the clock. */
function assertTiled(spans, { wrapTo } = {}) {
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    const span = spans[i];
    const expectedFrame = previous.startFrame + previous.frames;
    if (wrapTo === undefined || span.startFrame !== wrapTo.startFrame || expectedFrame !== wrapTo.endFrame) {
      assert.equal(span.startFrame, expectedFrame, `span ${i} continues the audio (frame ${span.startFrame})`);
    }
    assert.equal(span.when, previous.when + previous.frames / previous.sampleRate, `span ${i} starts on the clock where span ${i - 1} ends`);
  }
}

/**
 * The largest second difference of a signal over [from, to): a pure sine's is at most A * (2 pi f / rate)^2;
 * a dropped, repeated or missing sample makes a kink far above that.
 */
function maxKink(samples, from, to) {
  let worst = 0;
  let at = -1;
  for (let i = Math.max(1, from); i < Math.min(samples.length - 1, to); i++) {
    const kink = Math.abs(samples[i + 1] - 2 * samples[i] + samples[i - 1]);
    if (kink > worst) [worst, at] = [kink, i];
  }
  return { worst, at };
}

/** Index of the first sample whose magnitude exceeds `threshold`. */
function onset(samples, threshold = 1e-3) {
  return samples.findIndex((value) => Math.abs(value) > threshold);
}

/** Rising zero crossings per second over [from, to): the frequency of a tone. */
function toneHz(samples, from, to) {
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
  return (crossings * RATE) / (to - from);
}

describe('chunk scheduler on a real AudioContext', () => {
  let testPage;
  before(async () => {
    testPage = await openTestPage();
  });
  after(async () => {
    await testPage?.close();
  });

  it('tiles uneven chunks exactly on the clock and plays them without a gap', async () => {
    const result = await testPage.page.evaluate(async (rate) => {
      const { ChunkScheduler, RenderBuffer } = window.patchscope;
      const { openContext, tone, until, every, sleep } = window.testKit;
      const audio = await openContext(rate);
      const sizes = [1000, 2048, 777, 4096, 129, 3000, 4800, 511, 2400, 6000, 1234, 4321, 960, 8000, 128, 3333];
      const total = sizes.reduce((a, b) => a + b, 0);
      const buffer = new RenderBuffer(1);
      buffer.setInfo(total, rate, 1);
      let frame = 0;
      for (const size of sizes) {
        buffer.add(frame, rate, [tone(frame, size, rate, 440)]);
        frame += size;
      }
      buffer.finish('complete');
      const scheduler = new ChunkScheduler(audio.context, audio.bus);
      // Schedule on a held clock: a busy machine can stall this thread longer than the lead time, and a
      // source started after its time is a fault of the machine, not of the tiling under test.
      await audio.context.suspend();
      audio.startRecording();
      scheduler.play(buffer, 0);
      await audio.context.resume();
      const stop = every(20, () => scheduler.pump());
      await until(() => scheduler.state === 'ended', 30000, 'the end of the audio');
      stop();
      // The recorder's blocks reach the page a little after they are played.
      await sleep(300);
      const samples = audio.stopRecording();
      const spans = scheduler.scheduled.map((span) => ({ ...span }));
      await audio.close();
      return { spans, samples, total, sizes, underruns: scheduler.underruns, contextRate: audio.context.sampleRate };
    }, RATE);

    assert.equal(result.contextRate, RATE);
    assert.equal(result.spans.length, result.sizes.length, 'one source per chunk');
    assert.deepEqual(result.spans.map((span) => span.frames), result.sizes, 'each chunk is scheduled whole, in order');
    assert.equal(result.spans[0].startFrame, 0);
    assertTiled(result.spans);
    assert.equal(result.underruns, 0);

    // The recording holds the whole tone, continuous across every chunk boundary.
    const start = onset(result.samples);
    assert.ok(start >= 0, 'the tone was heard');
    const heardEnd = start + result.total - 2;
    assert.ok(result.samples.length >= heardEnd, 'the recording covers the whole tone');
    const sineBound = 0.5 * ((2 * Math.PI * 440) / RATE) ** 2;
    const kink = maxKink(result.samples, start + 2, heardEnd);
    assert.ok(
      kink.worst < sineBound * 1.5,
      `no discontinuity at any chunk boundary (second difference ${kink.worst.toExponential(3)} at frame ${kink.at - start} of the tone, a sine's at most ${sineBound.toExponential(3)})`,
    );
    const tail = result.samples.slice(heardEnd + 4, heardEnd + 400);
    assert.ok(tail.every((value) => Math.abs(value) < 1e-3), 'silence after the end');
  });

  it('an underrun shows buffering, then playback resumes where it stopped', async () => {
    const result = await testPage.page.evaluate(async (rate) => {
      const { Player } = window.patchscope;
      const { openContext, tone, until, every, sleep } = window.testKit;
      const audio = await openContext(rate);
      const player = new Player(audio.context, audio.bus, { now: () => performance.timeOrigin + performance.now() });
      const states = [];
      const stopPump = every(20, () => player.tick());
      const stopWatch = every(5, () => {
        if (states.at(-1) !== player.state) states.push(player.state);
      });
      const stop = () => {
        stopPump();
        stopWatch();
      };
      const frames = rate * 2;
      const chunk = rate / 10;
      player.renderStarted(1);
      player.renderInfo(1, { duration: 2, sampleRate: rate, channels: 1, seed: 0, frames });
      // A render that falls behind: 0.3 s arrives, then nothing.
      for (let frame = 0; frame < 3 * chunk; frame += chunk) player.chunk(1, frame, rate, [tone(frame, chunk, rate, 440)]);
      await until(() => player.state === 'buffering' && player.scheduler.underruns > 0, 30000, 'the underrun');
      const spansBefore = player.scheduler.scheduled.length;
      const bufferingAt = player.positionSeconds;
      // The render catches up.
      for (let frame = 3 * chunk; frame < frames; frame += chunk) player.chunk(1, frame, rate, [tone(frame, chunk, rate, 440)]);
      player.renderEnded(1);
      await until(() => player.state === 'playing', 30000, 'playback to resume');
      await until(() => player.scheduler.scheduled.length > spansBefore + 2, 30000, 'more chunks');
      await sleep(100);
      stop();
      const spans = player.scheduler.scheduled.map((span) => ({ ...span }));
      const underruns = player.scheduler.underruns;
      player.dispose();
      await audio.close();
      return { states, spans, spansBefore, bufferingAt, underruns, chunk };
    }, RATE);

    assert.deepEqual(result.states.slice(0, 3), ['playing', 'buffering', 'playing'], `states: ${result.states.join(' -> ')}`);
    assert.equal(result.underruns, 1, 'one underrun');
    assert.ok(Math.abs(result.bufferingAt - 0.3) < 0.01, `buffering at the end of the received audio (${result.bufferingAt} s)`);
    const before = result.spans.slice(0, result.spansBefore);
    const resumed = result.spans.slice(result.spansBefore);
    assertTiled(before);
    assertTiled(resumed);
    assert.equal(resumed[0].startFrame, 3 * result.chunk, 'resumes with the first frame that was missing');
    const lastBefore = before.at(-1);
    assert.ok(resumed[0].when >= lastBefore.when + lastBefore.frames / lastBefore.sampleRate, 'the resumed audio does not overlap what played');
  });

  it('a seek plays from the new position', async () => {
    const result = await testPage.page.evaluate(async (rate) => {
      const { Player } = window.patchscope;
      const { openContext, tone, until, every, sleep } = window.testKit;
      const audio = await openContext(rate);
      const player = new Player(audio.context, audio.bus, { now: () => performance.timeOrigin + performance.now() });
      const stop = every(20, () => player.tick());
      // Two seconds: 300 Hz in the first, 1200 Hz in the second.
      const frames = rate * 2;
      const chunk = rate / 4;
      player.renderStarted(1);
      player.renderInfo(1, { duration: 2, sampleRate: rate, channels: 1, seed: 0, frames });
      for (let frame = 0; frame < frames; frame += chunk) player.chunk(1, frame, rate, [tone(frame, chunk, rate, frame < rate ? 300 : 1200)]);
      player.renderEnded(1);
      await until(() => player.state === 'playing' && player.positionSeconds > 0.1, 30000, 'playback');
      const spansBefore = player.scheduler.scheduled.length;
      const seekAt = audio.context.currentTime;
      player.seek(1.25);
      audio.startRecording();
      await sleep(300);
      const samples = audio.stopRecording();
      const position = player.positionSeconds;
      stop();
      const spans = player.scheduler.scheduled.map((span) => ({ ...span }));
      player.dispose();
      await audio.close();
      return { spans, spansBefore, seekAt, position, samples };
    }, RATE);

    const afterSeek = result.spans.slice(result.spansBefore);
    assert.ok(afterSeek.length > 0, 'chunks were scheduled after the seek');
    assert.equal(afterSeek[0].startFrame, 1.25 * RATE, 'the first chunk after the seek starts at the seek position');
    assert.ok(afterSeek[0].when >= result.seekAt, 'and is scheduled after the seek');
    assertTiled(afterSeek);
    assert.ok(result.position > 1.25 && result.position < 2, `the playhead moved on from the seek position (${result.position} s)`);
    // What was heard after the seek is the second half's 1200 Hz tone, not the first half's 300 Hz.
    const windowFrames = RATE / 50;
    const windows = [];
    for (let from = 0; from + windowFrames <= result.samples.length; from += windowFrames) {
      windows.push(Math.round(toneHz(result.samples, from, from + windowFrames)));
    }
    const switchAt = windows.findIndex((hz) => Math.abs(hz - 1200) <= 100);
    assert.ok(switchAt >= 0, `the 1200 Hz half is heard after the seek (20 ms windows: ${windows.join(' ')})`);
    const afterSwitch = windows.slice(switchAt);
    assert.ok(afterSwitch.length >= 5, `enough was recorded after the switch (${windows.join(' ')})`);
    assert.ok(afterSwitch.every((hz) => Math.abs(hz - 1200) <= 100), `only 1200 Hz after the switch (${windows.join(' ')})`);
  });

  it('a loop region wraps around with exact tiling', async () => {
    const result = await testPage.page.evaluate(async (rate) => {
      const { Player } = window.patchscope;
      const { openContext, tone, until, every } = window.testKit;
      const audio = await openContext(rate);
      const player = new Player(audio.context, audio.bus, { now: () => performance.timeOrigin + performance.now() });
      const stop = every(20, () => player.tick());
      const frames = rate;
      const chunk = rate / 8;
      // The user selected a region; the next render plays it in a loop from its start.
      player.setLoopRegion({ start: 0.2, end: 0.35 });
      player.renderStarted(1);
      player.renderInfo(1, { duration: 1, sampleRate: rate, channels: 1, seed: 0, frames });
      for (let frame = 0; frame < frames; frame += chunk) player.chunk(1, frame, rate, [tone(frame, chunk, rate, 440)]);
      player.renderEnded(1);
      await until(() => player.state === 'playing', 30000, 'playback');
      // Three turns of the 0.15 s region.
      await until(() => player.scheduler.scheduled.filter((span) => span.startFrame === 0.2 * rate).length >= 4, 30000, 'three loops');
      const positions = [];
      for (let i = 0; i < 10; i++) {
        positions.push(player.positionSeconds);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      stop();
      const spans = player.scheduler.scheduled.map((span) => ({ ...span }));
      const state = player.state;
      player.dispose();
      await audio.close();
      return { spans, positions, state, loop: player.scheduler.loopRange };
    }, RATE);

    const loop = { startFrame: 0.2 * RATE, endFrame: 0.35 * RATE };
    assert.deepEqual(result.loop, loop);
    const looped = result.spans;
    assert.equal(looped[0].startFrame, loop.startFrame, 'playback starts at the region');
    assertTiled(looped, { wrapTo: loop });
    for (const span of looped) {
      assert.ok(span.startFrame >= loop.startFrame && span.startFrame + span.frames <= loop.endFrame, `span [${span.startFrame}, +${span.frames}) stays inside the region`);
    }
    const wraps = looped.filter((span, i) => i > 0 && span.startFrame === loop.startFrame).length;
    assert.ok(wraps >= 3, `wrapped ${wraps} times`);
    assert.equal(result.state, 'playing');
    for (const position of result.positions) assert.ok(position >= 0.2 - 1e-6 && position <= 0.35 + 1e-6, `playhead ${position} s inside the region`);
  });
});
