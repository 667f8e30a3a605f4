// The live spectrogram's pixels in headless Chromium: the model and view draw a tone as a bright line at the
// row the frequency scale gives it; and the whole preview page, fed by a fake host exactly as the extension
// feeds it (Init, RenderStart, RenderInfo, Chunk..., RenderEnd), plays the render and draws it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestPage } from './lib/test-page.mjs';

const RATE = 48000;

/**
 * Runs in the page: analyses a canvas's plot area (right of `left` CSS px). Returns how many colours it holds,
 * the share of pixels that differ from the most common one, and the median row (CSS px from the top) of each
 * column's brightest pixel.
 */
function analyseCanvas(selector, left) {
  const canvas = document.querySelector(selector);
  const context = canvas.getContext('2d');
  const ratio = canvas.width / canvas.clientWidth;
  const { width, height } = canvas;
  const data = context.getImageData(0, 0, width, height).data;
  const x0 = Math.ceil((left + 2) * ratio);
  const counts = new Map();
  const peaks = [];
  for (let x = x0; x < width; x++) {
    let best = -1;
    let bestY = 0;
    for (let y = 0; y < height; y++) {
      const i = (y * width + x) * 4;
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const luminance = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      if (luminance > best) [best, bestY] = [luminance, y];
    }
    peaks.push(bestY / ratio);
  }
  const total = (width - x0) * height;
  const common = Math.max(...counts.values());
  peaks.sort((a, b) => a - b);
  return { nonBackground: 1 - common / total, colours: counts.size, medianPeakY: peaks[peaks.length >> 1], cssHeight: canvas.clientHeight };
}

describe('spectrogram drawing', () => {
  let testPage;
  before(async () => {
    testPage = await openTestPage();
  });
  after(async () => {
    await testPage?.close();
  });

  for (const scale of ['log', 'linear', 'mel']) {
    for (const hz of [250, 1000, 6000]) {
      it(`a ${hz} Hz tone draws its line at the ${scale} scale's row for ${hz} Hz`, async () => {
        const result = await testPage.page.evaluate(
          async ({ rate, hz, scale, analyse }) => {
            const { SpectrogramModel, SpectrogramView, AXIS_GUTTER, readTheme } = window.patchscope;
            const { tone } = window.testKit;
            document.body.replaceChildren();
            const canvas = document.createElement('canvas');
            canvas.className = 'test plot';
            document.body.append(canvas);
            const frames = rate;
            const model = new SpectrogramModel({ fftSize: 2048, scale, colorMap: 'magma' }, rate, frames);
            const view = new SpectrogramView(canvas);
            view.resize();
            const theme = readTheme();
            const plot = { window: { start: 0, end: 1 }, duration: 1, position: 0, rendered: 0, region: undefined, regionActive: false };
            view.setModel(model);
            view.draw(plot, theme);
            const analyseFn = new Function(`return (${analyse})`)();
            const blank = analyseFn('canvas.plot', AXIS_GUTTER);
            for (let frame = 0; frame < frames; frame += 4800) model.push([tone(frame, 4800, rate, hz)]);
            model.end();
            while (!model.done) model.compute(50, () => performance.now());
            view.draw({ ...plot, position: 0.999, rendered: 1 }, theme);
            const drawn = analyseFn('canvas.plot', AXIS_GUTTER);
            // Where the scale puts the tone: position 0 is the bottom edge, 1 the top.
            const expectedY = (1 - model.scale.positionOf(hz)) * drawn.cssHeight;
            return { blank, drawn, expectedY, rowHeight: drawn.cssHeight / model.rows };
          },
          { rate: RATE, hz, scale, analyse: analyseCanvas.toString() },
        );
        // Before audio the plot holds only flat colours (background, the not-rendered hatch, grid lines).
        assert.ok(result.blank.colours <= 8, `nothing drawn before the audio (${result.blank.colours} colours)`);
        assert.ok(result.drawn.colours > 100, `the spectrogram is drawn (${result.drawn.colours} colours)`);
        const tolerance = Math.max(3, 2 * result.rowHeight);
        assert.ok(
          Math.abs(result.drawn.medianPeakY - result.expectedY) <= tolerance,
          `the line is at y=${result.drawn.medianPeakY} px, the scale's row for ${hz} Hz at y=${result.expectedY.toFixed(1)} px`,
        );
      });
    }
  }

  it('the preview page fed by a fake host plays the render and draws it', async () => {
    const result = await testPage.page.evaluate(
      async ({ rate, analyse }) => {
        const { PreviewApp, FrequencyScale } = window.patchscope;
        const { tone, until, sleep } = window.testKit;
        // The fake host: what the page posts is recorded; what the extension would post is sent as messages.
        const { app, host, posted, send } = window.testKit.mountPreview(PreviewApp);
        const settings = { spectrogram: { fftSize: 2048, scale: 'log', colorMap: 'magma' }, autoRender: 'onType' };
        const patch = { path: '/patches/tone.synth.js', name: 'tone.synth.js' };
        const frames = 2 * rate;
        const chunk = rate / 10;
        const editAt = performance.timeOrigin + performance.now();
        send({ type: 'init', settings, trusted: true, patch });
        send({ type: 'renderStart', renderId: 1, patch, editAt });
        send({ type: 'renderInfo', renderId: 1, info: { duration: 2, sampleRate: rate, channels: 1, seed: 0, frames } });
        for (let frame = 0; frame < frames; frame += chunk) {
          const samples = tone(frame, chunk, rate, 1000);
          send({ type: 'chunk', renderId: 1, startFrame: frame, frames: chunk, sampleRate: rate, channels: [samples.buffer], postedAt: editAt });
        }
        send({ type: 'renderEnd', renderId: 1, summary: { capture: 'worklet', chunks: 20, rtf: 0.01, probeRtf: 0.01, firstChunkMs: 1, totalMs: 20, medianChunkFrames: chunk } });
        await until(() => host.dataset.state === 'playing', 30000, 'the page to play');
        await until(() => posted.some((m) => m.type === 'renderTimings'), 30000, 'the first-sound report');
        // Let the page compute and draw a few frames.
        await sleep(500);
        const analyseFn = new Function(`return (${analyse})`)();
        const drawn = analyseFn('canvas.spectrogram', 44);
        const scale = new FrequencyScale({ kind: 'log', rows: 256, sampleRate: rate, fftSize: 2048 });
        const expectedY = (1 - scale.positionOf(1000)) * drawn.cssHeight;
        const state = {
          patchName: host.querySelector('.patch-name')?.textContent,
          playState: host.dataset.state,
          errorHidden: host.querySelector('.banner-error')?.hidden,
        };
        app.dispose();
        return { posted: posted.map((m) => ({ type: m.type, renderId: m.renderId, state: m.state })), drawn, expectedY, state };
      },
      { rate: RATE, analyse: analyseCanvas.toString() },
    );
    assert.equal(result.posted[0].type, 'ready', 'the page says it is ready before anything else');
    assert.ok(result.posted.some((m) => m.type === 'renderTimings' && m.renderId === 1), 'it reports the first sound of render 1');
    assert.equal(result.state.patchName, 'tone.synth.js');
    assert.equal(result.state.playState, 'playing');
    assert.equal(result.state.errorHidden, true, 'no error shown');
    assert.ok(result.drawn.colours > 100, `the spectrogram is drawn (${result.drawn.colours} colours)`);
    assert.ok(Math.abs(result.drawn.medianPeakY - result.expectedY) <= 4, `the 1 kHz line at y=${result.drawn.medianPeakY}, expected ${result.expectedY.toFixed(1)}`);
    assert.deepEqual(testPage.errors, [], 'no page errors');
  });
});
