// The preview's output and its dealings with the host in headless Chromium: every channel of a render without a
// speaker layout is heard (the level meter's tap follows the speakers); no first sound and no `playing` while the
// AudioContext is suspended; and chunk acknowledgements are held while a minute of audio waits ahead of the
// playhead, and given back when a new render starts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestPage } from './lib/test-page.mjs';

describe('preview output', () => {
  let testPage;
  before(async () => {
    testPage = await openTestPage();
  });
  after(async () => {
    await testPage?.close();
  });

  it('a tone on the third of three channels reaches the output and its meter', async () => {
    const result = await testPage.page.evaluate(async () => {
      const { AudioOutput, Player } = window.patchscope;
      const { tone, until, every, sleep } = window.testKit;
      const output = new AudioOutput();
      await output.context.resume();
      const rate = output.context.sampleRate;
      const frames = rate * 2;
      const chunk = rate / 10;
      const heard = async (destination) => {
        const player = new Player(output.context, destination, { now: () => performance.now() });
        const stop = every(20, () => player.tick());
        player.renderStarted(1);
        player.renderInfo(1, { duration: 2, sampleRate: rate, channels: 3, seed: 0, frames });
        const silence = new Float32Array(chunk);
        for (let frame = 0; frame < frames; frame += chunk) player.chunk(1, frame, rate, [silence, silence, tone(frame, chunk, rate, 440)]);
        player.renderEnded(1);
        await until(() => player.state === 'playing', 30000, 'playback');
        await sleep(300);
        let peak = 0;
        for (let i = 0; i < 10; i++) {
          peak = Math.max(peak, ...output.peaks());
          await sleep(20);
        }
        stop();
        player.stop();
        await sleep(100);
        player.dispose();
        return peak;
      };
      // Straight into the output gain, Web Audio's 'speakers' rule for three channels is 'discrete': channel 3 is lost.
      const direct = await heard(output.input);
      const mixed = await heard((channels) => output.destinationFor(channels));
      output.dispose();
      return { direct, mixed };
    });
    assert.ok(result.direct < 1e-3, `without the down-mix the third channel is dropped (peak ${result.direct})`);
    assert.ok(result.mixed > 0.2, `with it the tone is heard (peak ${result.mixed})`);
    assert.deepEqual(testPage.errors, [], 'no page errors');
  });

  it('the page reports neither playing nor a first sound until the suspended context runs', async () => {
    const result = await testPage.page.evaluate(async () => {
      const { PreviewApp } = window.patchscope;
      const { tone, until, sleep } = window.testKit;
      const { app, host, posted, send } = window.testKit.mountPreview(PreviewApp);
      // As the autoplay policy leaves it before the first click.
      const context = app.output.context;
      await context.suspend();
      const rate = 48000;
      const settings = { spectrogram: { fftSize: 2048, scale: 'log', colorMap: 'magma' }, autoRender: 'onType' };
      const patch = { path: '/patches/tone.synth.js', name: 'tone.synth.js' };
      const frames = 2 * rate;
      const chunk = rate / 10;
      send({ type: 'init', settings, trusted: true, patch });
      send({ type: 'renderStart', renderId: 1, patch, editAt: performance.timeOrigin + performance.now() });
      send({ type: 'renderInfo', renderId: 1, info: { duration: 2, sampleRate: rate, channels: 1, seed: 0, frames } });
      for (let frame = 0; frame < frames; frame += chunk) {
        const samples = tone(frame, chunk, rate, 1000);
        send({ type: 'chunk', renderId: 1, startFrame: frame, frames: chunk, sampleRate: rate, channels: [samples.buffer], postedAt: 0 });
      }
      await until(() => posted.filter((m) => m.type === 'chunkReceived').length === frames / chunk, 30000, 'the chunks');
      await sleep(300);
      const suspended = { state: host.dataset.state, timings: posted.filter((m) => m.type === 'renderTimings').length };
      const resumedAt = performance.timeOrigin + performance.now();
      await context.resume();
      await until(() => posted.some((m) => m.type === 'renderTimings'), 30000, 'the first sound');
      await until(() => host.dataset.state === 'playing', 30000, 'playing');
      const timings = posted.find((m) => m.type === 'renderTimings');
      app.dispose();
      return { suspended, resumedAt, firstSoundAt: timings.firstSoundAt };
    });
    assert.notEqual(result.suspended.state, 'playing', 'not playing while suspended');
    assert.equal(result.suspended.timings, 0, 'no first sound while suspended');
    assert.ok(result.firstSoundAt >= result.resumedAt, 'the first sound is counted from the resume');
    assert.deepEqual(testPage.errors, [], 'no page errors');
  });

  it('holds acknowledgements beyond a minute ahead of the playhead and gives them back for a new render', async () => {
    const result = await testPage.page.evaluate(async () => {
      const { PreviewApp } = window.patchscope;
      const { until, sleep } = window.testKit;
      const { app, host, posted, send } = window.testKit.mountPreview(PreviewApp);
      // A 90 s mono render at 8 kHz in 1 s chunks, all sent at once (a host that does not wait).
      const rate = 8000;
      const seconds = 90;
      const settings = { spectrogram: { fftSize: 512, scale: 'log', colorMap: 'magma' }, autoRender: 'onType' };
      const patch = { path: '/patches/long.synth.js', name: 'long.synth.js' };
      send({ type: 'init', settings, trusted: true, patch });
      send({ type: 'renderStart', renderId: 1, patch, editAt: 0 });
      send({ type: 'renderInfo', renderId: 1, info: { duration: seconds, sampleRate: rate, channels: 1, seed: 0, frames: seconds * rate } });
      for (let second = 0; second < seconds; second++) {
        const samples = new Float32Array(rate).fill(0.01);
        send({ type: 'chunk', renderId: 1, startFrame: second * rate, frames: rate, sampleRate: rate, channels: [samples.buffer], postedAt: 0 });
      }
      await until(() => host.dataset.state === 'playing', 30000, 'playing');
      await sleep(300);
      const acked = (id) => posted.filter((m) => m.type === 'chunkReceived' && m.renderId === id).reduce((sum, m) => sum + m.bytes, 0);
      const whilePlaying = acked(1);
      send({ type: 'renderStart', renderId: 2, patch, editAt: 0 });
      await until(() => acked(1) === seconds * rate * 4, 30000, 'render 1 acknowledged in full');
      app.dispose();
      return { whilePlaying, total: seconds * rate * 4, bytesPerSecond: rate * 4 };
    });
    const aheadSeconds = result.whilePlaying / result.bytesPerSecond;
    assert.ok(aheadSeconds >= 59 && aheadSeconds <= 62, `about a minute acknowledged while it plays (${aheadSeconds} s)`);
    assert.ok(result.whilePlaying < result.total, 'the rest waits');
    assert.deepEqual(testPage.errors, [], 'no page errors');
  });
});
