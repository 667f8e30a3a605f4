import * as assert from 'node:assert/strict';
import type { PatchInfo } from '../../src/engine/render-types';
import { Player, type PlayerLimits, type Region } from '../../src/webview/player';
import type { SchedulerOptions } from '../../src/webview/chunk-scheduler';
import { ClockContext, RecordedNode, sineChunk } from './clock-context';

const RATE = 48000;
const info = (frames: number): PatchInfo => ({ duration: frames / RATE, sampleRate: RATE, channels: 2, seed: 1, frames });

/** A test clock with an AudioContext's `state` (suspended until the autoplay policy lets it run). */
class StatefulContext extends ClockContext {
  state = 'running';
}

function makePlayer(
  options: { context?: ClockContext; limits?: Partial<PlayerLimits>; scheduler?: Partial<SchedulerOptions> } = {},
): { context: ClockContext; player: Player; sounds: number[]; soundTimes: [number, number][]; needRender: number[]; wallClock(): number } {
  const context = options.context ?? new ClockContext();
  const sounds: number[] = [];
  const soundTimes: [number, number][] = [];
  const needRender: number[] = [];
  let clock = 1000;
  const player = new Player(
    context,
    context.destination,
    {
      now: () => clock++,
      onFirstSound: (renderId, receivedAt, soundAt) => {
        sounds.push(renderId);
        soundTimes.push([receivedAt, soundAt]);
      },
      onNeedRender: () => needRender.push(1),
    },
    options.scheduler,
    options.limits,
  );
  return { context, player, sounds, soundTimes, needRender, wallClock: () => clock };
}

/** Moves the clock to `seconds` in steps of 50 ms, pumping the player as the page's tick does. */
function advance(context: ClockContext, player: Player, seconds: number): void {
  while (context.currentTime < seconds - 1e-9) {
    context.currentTime = Math.min(seconds, context.currentTime + 0.05);
    player.tick();
  }
}

function stream(player: Player, renderId: number, frames: number, chunk: number, complete = true): void {
  player.renderStarted(renderId);
  player.renderInfo(renderId, info(frames));
  for (let start = 0; start < frames; start += chunk) player.chunk(renderId, start, RATE, sineChunk(start, Math.min(chunk, frames - start), RATE));
  if (complete) player.renderEnded(renderId);
}

describe('Player', () => {
  it('starts a new render on its first chunk and reports its first sound once', () => {
    const { player, sounds } = makePlayer();
    player.renderStarted(1);
    player.renderInfo(1, info(48000));
    assert.equal(player.state, 'buffering');
    player.chunk(1, 0, RATE, sineChunk(0, 4800, RATE));
    player.chunk(1, 4800, RATE, sineChunk(4800, 4800, RATE));
    assert.equal(player.render?.renderId, 1);
    assert.equal(player.state, 'playing');
    assert.deepEqual(sounds, [1]);
  });

  it('keeps the heard render until the next one has a chunk', () => {
    const { player, context } = makePlayer();
    stream(player, 1, 48000, 4800);
    player.renderStarted(2);
    assert.equal(player.render?.renderId, 1);
    assert.equal(player.newestRenderId, 2);
    player.renderInfo(2, info(48000));
    player.chunk(2, 0, RATE, sineChunk(0, 4800, RATE));
    assert.equal(player.render?.renderId, 2);
    assert.equal(context.sources[0].stoppedAt !== undefined, true, 'the old render was stopped');
  });

  it('goes back to the last complete render when a partial one fails', () => {
    const { player, context } = makePlayer();
    stream(player, 1, 96000, 9600);
    context.currentTime = 0.5;
    player.renderStarted(2);
    player.renderInfo(2, info(96000));
    player.chunk(2, 0, RATE, sineChunk(0, 4800, RATE));
    assert.equal(player.render?.renderId, 2);
    player.renderFailed(2);
    assert.equal(player.render?.renderId, 1);
    assert.equal(player.state, 'playing');
  });

  it('waits for Play after the user paused, even when a new render arrives', () => {
    const { player } = makePlayer();
    stream(player, 1, 48000, 4800);
    player.pause();
    stream(player, 2, 48000, 4800);
    assert.equal(player.render?.renderId, 2);
    assert.equal(player.pausedByUser, true);
    assert.notEqual(player.state, 'playing');
    player.play();
    assert.equal(player.state, 'playing');
  });

  it('asks for a render when Play finds only a cancelled partial render', () => {
    const { player, needRender } = makePlayer();
    stream(player, 1, 48000, 4800, false);
    player.renderCancelled(1);
    player.stop();
    player.play();
    assert.equal(needRender.length, 1);
  });

  it('loops a selected region and starts new renders at its start', () => {
    const { player } = makePlayer();
    stream(player, 1, 96000, 9600);
    player.setLoopRegion({ start: 0.5, end: 1.0 });
    assert.equal(player.looping, true);
    assert.deepEqual(player.scheduler.loopRange, { startFrame: 24000, endFrame: 48000 });
    stream(player, 2, 96000, 9600);
    const first = player.scheduler.scheduled.find((span) => span.renderId === 2);
    assert.equal(first?.startFrame, 24000);
  });

  it('ignores a region shorter than the minimum', () => {
    const { player } = makePlayer();
    stream(player, 1, 48000, 4800);
    player.setLoopRegion({ start: 0.5, end: 0.51 });
    assert.equal(player.loopRegion, undefined);
  });

  it('plays a shorter render from its start when the loop region lies beyond its end, and keeps the region for a longer one', () => {
    const { player } = makePlayer();
    stream(player, 1, 15 * RATE, RATE);
    player.setLoopRegion({ start: 10, end: 12 });
    assert.deepEqual(player.loopRegion, { start: 10, end: 12 });
    // The patch's duration drops to 5 s: the region is past its end.
    stream(player, 2, 5 * RATE, RATE);
    assert.equal(player.render?.renderId, 2);
    assert.equal(player.loopRegion, undefined, 'no region inside the render');
    assert.equal(player.state, 'playing', 'not silent');
    const first = player.scheduler.scheduled.find((span) => span.renderId === 2);
    assert.equal(first?.startFrame, 0, 'plays from the start');
    assert.deepEqual(player.scheduler.loopRange, { startFrame: 0, endFrame: 5 * RATE }, 'loops the whole render');
    // Stop, then Play: still from the start, not from the region's start.
    player.stop();
    const before = player.scheduler.scheduled.length;
    player.play();
    assert.equal(player.scheduler.scheduled[before]?.startFrame, 0);
    assert.equal(player.state, 'playing');
    // Back to a longer patch: the selection applies again.
    stream(player, 3, 15 * RATE, RATE);
    assert.deepEqual(player.loopRegion, { start: 10, end: 12 });
    assert.equal(player.scheduler.scheduled.find((span) => span.renderId === 3)?.startFrame, 10 * RATE);
  });

  it('clips a loop region that runs past the end of a shorter render', () => {
    const { player } = makePlayer();
    stream(player, 1, 4 * RATE, RATE);
    player.setLoopRegion({ start: 1, end: 3.5 });
    stream(player, 2, 2 * RATE, RATE);
    assert.deepEqual(player.loopRegion, { start: 1, end: 2 });
    assert.deepEqual(player.scheduler.loopRange, { startFrame: RATE, endFrame: 2 * RATE });
    assert.equal(player.scheduler.scheduled.find((span) => span.renderId === 2)?.startFrame, RATE);
  });

  it('connects each voice where the destination function puts its channel count', () => {
    const context = new ClockContext();
    const stages = new Map<number, RecordedNode>();
    const destinationFor = (channels: number): RecordedNode => {
      if (!stages.has(channels)) stages.set(channels, new RecordedNode());
      return stages.get(channels) as RecordedNode;
    };
    const player = new Player(context, destinationFor, { now: () => 0 });
    player.renderStarted(1);
    player.renderInfo(1, { ...info(RATE), channels: 3 });
    const three = [0, 1, 2].map(() => new Float32Array(4800).fill(0.25));
    player.chunk(1, 0, RATE, three);
    assert.equal(context.sources[0].buffer?.data.length, 3, 'the buffer has all three channels');
    assert.deepEqual(context.gains[0].connections, [stages.get(3)], 'the voice goes to the three-channel stage');
  });

  it('is not playing and reports no first sound while the context is suspended; counts from the resume', () => {
    const context = new StatefulContext();
    context.state = 'suspended';
    const { player, sounds, soundTimes, wallClock } = makePlayer({ context });
    stream(player, 1, RATE, 4800);
    assert.ok(player.scheduler.scheduled.length > 0, 'sources are scheduled on the held clock');
    assert.equal(player.state, 'buffering', 'nothing is heard yet');
    assert.deepEqual(sounds, [], 'no first sound while suspended');
    player.tick();
    assert.deepEqual(sounds, []);
    // Space or a click while suspended enables sound; it must not pause what is waiting to be heard.
    player.toggle();
    assert.equal(player.pausedByUser, false);
    // The user clicks: the context runs.
    context.state = 'running';
    const resumedAt = wallClock();
    player.audioStateChanged();
    assert.deepEqual(sounds, [1]);
    assert.ok(soundTimes[0][1] >= resumedAt, 'the first sound is counted from the resume');
    assert.ok(soundTimes[0][0] < resumedAt, 'after the chunk arrived');
    assert.equal(player.state, 'playing');
    player.tick();
    assert.deepEqual(sounds, [1], 'reported once');
  });

  it('holds acknowledgements back while enough audio waits ahead of the playhead', () => {
    const { player, context } = makePlayer({ limits: { aheadSeconds: 2, keepSeconds: 30 } });
    player.renderStarted(1);
    player.renderInfo(1, info(20 * RATE));
    player.chunk(1, 0, RATE, sineChunk(0, RATE, RATE));
    assert.equal(player.holdsAcknowledgement(1), false, '1 s ahead');
    player.chunk(1, RATE, RATE, sineChunk(RATE, RATE, RATE));
    assert.equal(player.holdsAcknowledgement(1), true, '2 s ahead');
    assert.equal(player.holdsAcknowledgement(7), false, 'another render is never held');
    advance(context, player, 0.5);
    assert.equal(player.holdsAcknowledgement(1), false, 'the playhead moved on');
    // A newer render supersedes it: its audio must not count against the new one.
    player.chunk(1, 2 * RATE, RATE, sineChunk(2 * RATE, RATE, RATE));
    assert.equal(player.holdsAcknowledgement(1), true);
    player.renderStarted(2);
    assert.equal(player.holdsAcknowledgement(1), false);
  });

  it('drops audio far behind the playhead, and a seek into it plays from the earliest frame kept', () => {
    const { player, context } = makePlayer({ limits: { aheadSeconds: 1, keepSeconds: 4 } });
    const chunk = RATE / 4;
    player.renderStarted(1);
    player.renderInfo(1, info(30 * RATE));
    let next = 0;
    const feed = (upTo: number): void => {
      for (; next < upTo; next += chunk) player.chunk(1, next, RATE, sineChunk(next, chunk, RATE));
    };
    // The page feeds what the host sends: about 1 s ahead of the playhead.
    for (let t = 0; t <= 10; t += 0.25) {
      feed(Math.round((t + 1.5) * RATE));
      advance(context, player, t);
    }
    const buffer = player.render;
    assert.ok(buffer);
    assert.ok(buffer.firstFrame > 0, 'old audio was dropped');
    assert.ok(buffer.framesKept <= 4 * RATE + chunk, `at most 4 s kept (${buffer.framesKept / RATE} s)`);
    assert.ok(buffer.firstFrame <= player.positionFrame(), 'nothing at or after the playhead is dropped');
    assert.equal(player.state, 'playing');
    const before = player.scheduler.scheduled.length;
    player.seek(0);
    assert.equal(player.scheduler.scheduled[before]?.startFrame, buffer.firstFrame, 'the seek lands on the earliest frame kept');
    // A region wholly in the dropped audio does not loop into nothing.
    player.setLoopRegion({ start: 0.5, end: 1 });
    assert.equal(player.loopRegion, undefined);
    player.setLoopRegion({ start: 0.5, end: 9 });
    // Read through a function: the assertion above narrowed `player.loopRegion` to undefined for the compiler.
    const region = ((): Region | undefined => player.loopRegion)();
    assert.equal(region?.start, buffer.firstFrame / RATE, 'a region reaching into kept audio starts where it is kept');
    assert.equal(player.scheduler.loopRange?.startFrame, buffer.firstFrame);
  });

  it('keeps no more of the last complete render than the limit', () => {
    const { player } = makePlayer({ limits: { aheadSeconds: 1, keepSeconds: 4 } });
    // A host that ignores the held acknowledgements: the whole render arrives while the playhead is at 0.
    stream(player, 1, 12 * RATE, RATE / 2);
    assert.equal(player.render?.framesKept, 12 * RATE, 'nothing at or after the playhead is dropped');
    stream(player, 2, 12 * RATE, RATE / 2, false);
    const last = player.heldRenders.find((buffer) => buffer.renderId === 1);
    assert.ok(last, 'the last complete render is kept for a fallback');
    assert.ok(last.framesKept <= 4 * RATE, `but at most 4 s of it (${last.framesKept / RATE} s)`);
    player.renderFailed(2);
    assert.equal(player.render?.renderId, 1);
    assert.ok(player.positionFrame() >= last.firstFrame, 'the fallback plays from audio it has');
  });

  it('holds the heard, the newest and the last complete render', () => {
    const { player } = makePlayer();
    stream(player, 1, RATE, 4800);
    player.renderStarted(2);
    player.renderInfo(2, info(RATE));
    player.chunk(2, 0, RATE, sineChunk(0, 4800, RATE));
    player.renderCancelled(2);
    player.renderStarted(3);
    assert.deepEqual(player.heldRenders.map((buffer) => buffer.renderId).sort(), [1, 2, 3]);
  });
});
