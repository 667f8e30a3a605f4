// Reading the Patchscope preview from the test: its DOM (as the user sees it), the spectrogram canvas's pixels,
// and the probe's record of the AudioContext, the chunks placed on its clock and the host's render messages.
import { progress, waitFor } from './workbench.mjs';

/** Everything the preview shows and the probe saw, at one moment. */
export async function previewState(frame) {
  return frame.evaluate(() => {
    const probe = window.patchscopeE2eProbe;
    const text = (selector) => document.querySelector(selector)?.textContent?.trim() ?? '';
    const banner = document.querySelector('.banner-error');
    const stats = {};
    for (const stat of document.querySelectorAll('.stats .stat')) {
      stats[stat.querySelector('.stat-label')?.textContent ?? '?'] = stat.querySelector('.stat-value')?.textContent ?? '';
    }
    const context = probe?.contexts.at(-1);
    return {
      probeInstalled: probe !== undefined,
      playState: document.getElementById('app')?.dataset.state,
      patchName: text('.patch-name'),
      badge: text('.render-badge'),
      clock: text('.clock-now'),
      overlay: document.querySelector('.overlay')?.hidden === false ? text('.overlay-title') : undefined,
      error: banner && !banner.hidden ? { message: text('.error-message'), location: text('.error-location') } : undefined,
      stats,
      audio: context ? { state: context.state, currentTime: context.currentTime, sampleRate: context.sampleRate } : undefined,
      starts: probe ? probe.starts.length : 0,
      lastStart: probe?.starts.at(-1),
      renders: probe ? [...new Set(probe.messages.filter((m) => m.type === 'renderStart').map((m) => m.renderId))] : [],
    };
  });
}

/**
 * Waits in the page for the first render started after render `afterRenderId`: its render-start message, its
 * first chunk and (with `withSource`) the first source started after that chunk arrived. The wait runs in the
 * page, so the test adds no load while it lasts: polling the probe through the debugging protocol every few
 * milliseconds kept the browser's main thread, which the webview shares with the workbench, busy copying
 * records, and delayed the very messages being timed.
 */
export async function awaitNextRender(frame, afterRenderId, { withSource = true, timeoutMs = 30_000 } = {}) {
  progress.waitingFor = `the render after render ${afterRenderId}`;
  return frame.evaluate(
    ({ afterRenderId, withSource, timeoutMs }) =>
      new Promise((resolve, reject) => {
        const probe = window.patchscopeE2eProbe;
        const deadline = performance.now() + timeoutMs;
        const check = () => {
          const start = probe.messages.find((m) => m.type === 'renderStart' && m.renderId > afterRenderId);
          const chunk = start && probe.messages.find((m) => m.type === 'chunk' && m.renderId === start.renderId);
          const source = chunk && probe.starts.find((s) => s.at >= chunk.at);
          if (chunk && (source || !withSource)) resolve({ start, chunk, source });
          else if (performance.now() > deadline) reject(new Error(`no render after render ${afterRenderId} within ${timeoutMs} ms`));
          else setTimeout(check, 25);
        };
        check();
      }),
    { afterRenderId, withSource, timeoutMs },
  );
}

/** The probe's records (messages from the host and sources started), copied out of the page. */
export async function probeRecords(frame) {
  return frame.evaluate(() => {
    const probe = window.patchscopeE2eProbe;
    return probe ? { messages: [...probe.messages], starts: [...probe.starts] } : { messages: [], starts: [] };
  });
}

/**
 * The spectrogram canvas, analysed: how much of the plot is not plain background, and for each column with
 * a clear peak, the peak's row (0 = top). A steady tone draws one bright horizontal line.
 */
export async function spectrogramPixels(frame) {
  return frame.evaluate(() => {
    const canvas = document.querySelector('canvas.spectrogram');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return undefined;
    const context = canvas.getContext('2d');
    const { width, height } = canvas;
    const pixels = context.getImageData(0, 0, width, height).data;
    const scale = width / Math.max(1, canvas.clientWidth);
    // The frequency axis takes the left gutter; analyse the plot only.
    const left = Math.ceil(48 * scale);
    const luminance = (i) => 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
    const counts = new Map();
    for (let y = 0; y < height; y += 2) {
      for (let x = left; x < width; x += 2) {
        const i = (y * width + x) * 4;
        const key = (pixels[i] >> 3) * 1024 + (pixels[i + 1] >> 3) * 32 + (pixels[i + 2] >> 3);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    let background = 0;
    let backgroundCount = 0;
    let total = 0;
    for (const [key, count] of counts) {
      total += count;
      if (count > backgroundCount) [background, backgroundCount] = [key, count];
    }
    const peakRows = [];
    for (let x = left; x < width; x++) {
      let best = -1;
      let bestY = -1;
      const column = [];
      for (let y = 0; y < height; y++) {
        const value = luminance((y * width + x) * 4);
        column.push(value);
        if (value > best) [best, bestY] = [value, y];
      }
      column.sort((a, b) => a - b);
      const median = column[column.length >> 1];
      // A clear peak: far brighter than the column's typical pixel (not the playhead or a grid line).
      if (best - median > 60) peakRows.push(bestY);
    }
    peakRows.sort((a, b) => a - b);
    return {
      width,
      height,
      distinctColours: counts.size,
      nonBackgroundFraction: 1 - backgroundCount / Math.max(1, total),
      background,
      columnsWithPeak: peakRows.length,
      medianPeakRow: peakRows.length ? peakRows[peakRows.length >> 1] : undefined,
    };
  });
}

/** Waits until the preview's AudioContext runs and its clock moves; returns the two readings. */
export async function waitForAdvancingClock(frame, { timeoutMs = 30_000 } = {}) {
  const first = await waitFor(
    'a running AudioContext in the preview',
    async () => {
      const state = await previewState(frame);
      return state.audio?.state === 'running' ? state.audio : undefined;
    },
    { timeoutMs },
  );
  return waitFor(
    'the AudioContext clock to advance',
    async () => {
      const state = await previewState(frame);
      return state.audio && state.audio.currentTime > first.currentTime + 0.2 ? { first, second: state.audio } : undefined;
    },
    { timeoutMs },
  );
}

/** Waits for the render that follows `previousRenderId` to start playing; returns its id. */
export async function waitForNewRender(frame, previousRenderId, { timeoutMs = 60_000 } = {}) {
  return waitFor(
    `a render newer than ${previousRenderId} to arrive`,
    async () => {
      const { messages } = await probeRecords(frame);
      const chunk = messages.find((m) => m.type === 'chunk' && m.renderId > (previousRenderId ?? 0));
      return chunk?.renderId;
    },
    { timeoutMs },
  );
}

/** The newest render id the host started, or undefined. */
export async function newestRenderId(frame) {
  const { messages } = await probeRecords(frame);
  return messages.filter((m) => m.type === 'renderStart').at(-1)?.renderId;
}
