import * as assert from 'node:assert/strict';
import { ChunkScheduler, DEFAULT_SCHEDULER_OPTIONS, leadTimeFor } from '../../src/webview/chunk-scheduler';
import { RenderBuffer } from '../../src/webview/render-buffer';
import { ClockContext, sineChunk } from './clock-context';

const RATE = 48000;

function setup(totalFrames?: number): { context: ClockContext; scheduler: ChunkScheduler; buffer: RenderBuffer; add(frames: number): void } {
  const context = new ClockContext();
  const scheduler = new ChunkScheduler(context, context.destination);
  const buffer = new RenderBuffer(1);
  if (totalFrames !== undefined) buffer.setInfo(totalFrames, RATE, 2);
  let next = 0;
  return {
    context,
    scheduler,
    buffer,
    add(frames: number): void {
      buffer.add(next, RATE, sineChunk(next, frames, RATE));
      next += frames;
      scheduler.pump();
    },
  };
}

describe('ChunkScheduler', () => {
  it('starts each chunk at exactly the previous start plus its length / sampleRate', () => {
    const { context, scheduler, buffer, add } = setup(200_000);
    add(2048);
    scheduler.play(buffer, 0);
    for (const frames of [1000, 4800, 777, 61440, 128, 3]) {
      context.currentTime += 0.005;
      add(frames);
    }
    const spans = scheduler.scheduled;
    assert.equal(spans.length, 7);
    assert.equal(spans[0].when, DEFAULT_SCHEDULER_OPTIONS.leadTime);
    for (let i = 1; i < spans.length; i++) {
      assert.equal(spans[i].when, spans[i - 1].when + spans[i - 1].frames / spans[i - 1].sampleRate, `span ${i}`);
      assert.equal(spans[i].startFrame, spans[i - 1].startFrame + spans[i - 1].frames);
    }
    assert.equal(scheduler.underruns, 0);
  });

  it('copies every sample into the buffers it starts, unchanged', () => {
    const { context, scheduler, buffer, add } = setup(10_000);
    add(3000);
    add(5000);
    scheduler.play(buffer, 0);
    const expected = [sineChunk(0, 3000, RATE), sineChunk(3000, 5000, RATE)];
    context.sources.forEach((source, index) => {
      assert.ok(source.buffer);
      assert.deepEqual(source.buffer.data, expected[index]);
      assert.equal(source.buffer.sampleRate, RATE);
    });
  });

  it('schedules no further ahead than the lookahead, and the rest on later pumps', () => {
    const { context, scheduler, buffer, add } = setup(48000 * 10);
    for (let i = 0; i < 10; i++) add(48000);
    scheduler.play(buffer, 0);
    const ahead = (): number => Math.max(...scheduler.scheduled.map((s) => s.when)) - context.currentTime;
    assert.ok(ahead() < DEFAULT_SCHEDULER_OPTIONS.lookahead);
    const before = scheduler.scheduled.length;
    context.currentTime += 1;
    scheduler.pump();
    assert.ok(scheduler.scheduled.length > before);
    assert.ok(ahead() < DEFAULT_SCHEDULER_OPTIONS.lookahead);
  });

  it('fades out before the audio runs out and fades in when the late chunk arrives', () => {
    const { context, scheduler, buffer, add } = setup(48000 * 4);
    add(4800);
    scheduler.play(buffer, 0);
    const end = scheduler.scheduled[0].when + 0.1;
    const gain = context.gains[0].gain;
    context.currentTime = end - 0.02;
    assert.equal(scheduler.pump(), 'playing');
    const ramp = gain.events.find((e) => e.kind === 'ramp' && e.value === 0);
    assert.deepEqual(ramp, { kind: 'ramp', value: 0, time: end });
    context.currentTime = end + 0.05;
    assert.equal(scheduler.pump(), 'starved');
    add(4800);
    const resumed = scheduler.scheduled[1];
    assert.equal(resumed.when, context.currentTime + DEFAULT_SCHEDULER_OPTIONS.leadTime);
    assert.equal(scheduler.underruns, 1);
    const fadeIn = gain.events.filter((e) => e.kind !== 'cancel' && e.time >= resumed.when);
    assert.deepEqual(fadeIn, [
      { kind: 'set', value: 0, time: resumed.when },
      { kind: 'ramp', value: 1, time: resumed.when + DEFAULT_SCHEDULER_OPTIONS.fadeTime },
    ]);
  });

  it('takes the fade back and stays gapless when the chunk arrives before the fade begins', () => {
    const { context, scheduler, buffer, add } = setup(48000 * 4);
    add(4800);
    scheduler.play(buffer, 0);
    const end = scheduler.scheduled[0].when + 0.1;
    context.currentTime = end - 0.035;
    scheduler.pump();
    const gain = context.gains[0].gain;
    assert.ok(gain.events.some((e) => e.kind === 'ramp' && e.value === 0));
    context.currentTime = end - 0.03;
    add(4800);
    assert.equal(scheduler.scheduled[1].when, end);
    assert.equal(scheduler.underruns, 0);
    assert.ok(!gain.events.some((e) => e.kind === 'ramp' && e.value === 0), 'the fade-out was cancelled');
  });

  it('loops a region on one continuous timeline', () => {
    const { context, scheduler, buffer, add } = setup(48000);
    add(48000);
    buffer.finish('complete');
    scheduler.setLoop({ startFrame: 12000, endFrame: 24000 });
    scheduler.play(buffer, 12000);
    const spans = scheduler.scheduled;
    assert.ok(spans.length >= 4);
    for (let i = 0; i < spans.length; i++) {
      assert.equal(spans[i].startFrame, 12000);
      assert.equal(spans[i].frames, 12000);
      if (i > 0) assert.equal(spans[i].when, spans[i - 1].when + 0.25);
    }
    context.currentTime = spans[1].when + 0.125;
    assert.ok(Math.abs((scheduler.positionFrame() ?? 0) - 18000) < 1e-6);
  });

  it('ends after the last frame when not looping', () => {
    const { context, scheduler, buffer, add } = setup(9600);
    add(9600);
    buffer.finish('complete');
    scheduler.play(buffer, 0);
    assert.equal(scheduler.pump(), 'playing');
    context.currentTime = scheduler.scheduled[0].when + 0.2 + 0.001;
    assert.equal(scheduler.pump(), 'ended');
  });

  it('cross-fades to a new render: the old sources stop when the fade ends', () => {
    const { context, scheduler, buffer, add } = setup(48000);
    add(24000);
    scheduler.play(buffer, 0);
    context.currentTime = 0.1;
    const next = new RenderBuffer(2);
    next.setInfo(48000, RATE, 2);
    next.add(0, RATE, sineChunk(0, 4800, RATE));
    scheduler.play(next, 0);
    const old = context.sources[0];
    const { minLead, fadeTime, leadTime } = DEFAULT_SCHEDULER_OPTIONS;
    assert.equal(old.stoppedAt, 0.1 + minLead + fadeTime);
    const oldGain = context.gains[0].gain.events;
    assert.deepEqual(oldGain.at(-1), { kind: 'ramp', value: 0, time: 0.1 + minLead + fadeTime });
    assert.equal(scheduler.scheduled.at(-1)?.renderId, 2);
    assert.equal(scheduler.scheduled.at(-1)?.when, 0.1 + leadTime);
  });

  it('reports the playhead from the clock', () => {
    const { context, scheduler, buffer, add } = setup(48000);
    add(4800);
    add(4800);
    scheduler.play(buffer, 0);
    const first = scheduler.scheduled[0];
    context.currentTime = first.when + 0.15;
    assert.ok(Math.abs((scheduler.positionFrame() ?? 0) - 7200) < 1e-6);
    assert.ok(Math.abs(scheduler.bufferedSeconds() - (9600 - 7200) / RATE) < 1e-9);
  });

  it('leads by one output callback plus 10 ms, within 15 to 30 ms', () => {
    assert.equal(leadTimeFor(0.01), 0.02);
    assert.equal(leadTimeFor(0.0027), 0.015);
    assert.equal(leadTimeFor(0.05), DEFAULT_SCHEDULER_OPTIONS.leadTime);
    assert.equal(leadTimeFor(undefined), DEFAULT_SCHEDULER_OPTIONS.leadTime);
    assert.equal(leadTimeFor(0), DEFAULT_SCHEDULER_OPTIONS.leadTime);
    const context = new ClockContext();
    const scheduler = new ChunkScheduler(context, context.destination, { leadTime: leadTimeFor(0.01) });
    const buffer = new RenderBuffer(1);
    buffer.setInfo(4096, RATE, 1);
    buffer.add(0, RATE, sineChunk(0, 4096, RATE));
    context.currentTime = 1;
    scheduler.play(buffer, 0);
    assert.equal(scheduler.scheduled[0].when, 1.02);
  });

  it('wraps a loop whose start was dropped to the earliest frame kept, and never spins on a loop with nothing kept', () => {
    const { context, scheduler, buffer, add } = setup(RATE * 4);
    for (let i = 0; i < 8; i++) add(RATE / 2);
    buffer.dropBefore(RATE);
    scheduler.setLoop({ startFrame: RATE / 2, endFrame: 2 * RATE });
    scheduler.play(buffer, 1.5 * RATE);
    const starts = scheduler.scheduled.map((span) => span.startFrame);
    assert.deepEqual(starts.slice(0, 3), [1.5 * RATE, RATE, 1.5 * RATE], 'after the region it goes on at frame 48000, the first kept');
    // A region wholly dropped: playback ends instead of looping over nothing (the pump returns).
    scheduler.setLoop({ startFrame: 0, endFrame: RATE / 2 });
    context.currentTime += 0.01;
    assert.notEqual(scheduler.pump(), undefined);
  });

  it('connects a voice to the destination chosen for its channel count', () => {
    const context = new ClockContext();
    const asked: number[] = [];
    const scheduler = new ChunkScheduler(context, (channels) => {
      asked.push(channels);
      return context.destination;
    });
    const buffer = new RenderBuffer(1);
    buffer.setInfo(RATE, RATE, 5);
    buffer.add(0, RATE, [0, 1, 2, 3, 4].map(() => new Float32Array(4800)));
    scheduler.play(buffer, 0);
    assert.deepEqual(asked, [5]);
    assert.deepEqual(context.gains[0].connections, [context.destination]);
  });
});
