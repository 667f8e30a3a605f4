// In-page benchmark of the live spectrogram's per-frame drawing (bundled by draw-bench.ts).

import { SpectrogramModel } from '../../src/webview/spectrogram-model';
import { SpectrogramView, type PlotState } from '../../src/webview/spectrogram-view';
import { TimelineView } from '../../src/webview/timeline-view';
import { readTheme } from '../../src/webview/theme';
import { visibleWindow } from '../../src/webview/timeline-math';

declare global {
  interface Window {
    runDrawBench(repeats: number, seconds: number): Promise<Record<string, number>>;
  }
}

function stats(samples: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], frames: samples.length };
}

window.runDrawBench = async (repeats, seconds) => {
  const response = await fetch('/render?patch=examples/hello.synth.js');
  const bytes = await response.arrayBuffer();
  const headerLength = new DataView(bytes).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, headerLength))) as { info: { sampleRate: number; frames: number }; chunks: { frames: number }[] };
  const offset = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
  const samples = new Float32Array(bytes, offset);
  const rate = header.info.sampleRate;
  const model = new SpectrogramModel({ fftSize: 2048, scale: 'log', colorMap: 'magma' }, rate, header.info.frames * repeats);
  for (let r = 0; r < repeats; r++) {
    let cursor = 0;
    for (const chunk of header.chunks) {
      model.push([samples.subarray(cursor, cursor + chunk.frames), samples.subarray(cursor + chunk.frames, cursor + 2 * chunk.frames)]);
      cursor += 2 * chunk.frames;
    }
  }
  model.end();
  model.compute(Infinity, () => 0);

  const canvas = document.getElementById('spectrogram') as HTMLCanvasElement;
  const ruler = document.getElementById('timeline') as HTMLCanvasElement;
  const view = new SpectrogramView(canvas);
  const timeline = new TimelineView(ruler);
  view.resize();
  timeline.resize();
  view.setModel(model);
  const theme = readTheme();
  const duration = (header.info.frames * repeats) / rate;
  const spectrogramTimes: number[] = [];
  const rulerTimes: number[] = [];
  const frames = Math.round(seconds * 60);
  for (let i = 0; i < frames; i++) {
    const position = (i / 60) % duration;
    const state: PlotState = {
      window: view.snapWindow(visibleWindow(duration, position, view.plotBox.width)),
      duration,
      position,
      rendered: duration,
      region: undefined,
      regionActive: false,
    };
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const t0 = performance.now();
    view.draw(state, theme);
    const t1 = performance.now();
    timeline.draw(state, theme);
    rulerTimes.push(performance.now() - t1);
    spectrogramTimes.push(t1 - t0);
  }
  const s = stats(spectrogramTimes);
  const r = stats(rulerTimes);
  return { duration, spectrogramMedian: s.median, spectrogramP95: s.p95, spectrogramMax: s.max, rulerMedian: r.median, rulerP95: r.p95, frames: s.frames };
};
