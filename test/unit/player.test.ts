import * as assert from 'node:assert/strict';
import type { PatchInfo } from '../../src/engine/render-types';
import { Player } from '../../src/webview/player';
import { ClockContext, sineChunk } from './clock-context';

const RATE = 48000;
const info = (frames: number): PatchInfo => ({ duration: frames / RATE, sampleRate: RATE, channels: 2, seed: 1, frames });

function makePlayer(): { context: ClockContext; player: Player; sounds: number[]; needRender: number[] } {
  const context = new ClockContext();
  const sounds: number[] = [];
  const needRender: number[] = [];
  let clock = 1000;
  const player = new Player(context, context.destination, {
    now: () => clock++,
    onFirstSound: (renderId) => sounds.push(renderId),
    onNeedRender: () => needRender.push(1),
  });
  return { context, player, sounds, needRender };
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
});
