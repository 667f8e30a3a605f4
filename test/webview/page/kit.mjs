// Page-side helpers of the webview tests: a real AudioContext with a recorder on its output bus, test tones,
// and polling. Exposed on `window.testKit`.

/** A running AudioContext whose `bus` feeds both the speakers and a recorder of the first channel. */
export async function openContext(sampleRate) {
  const context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
  await context.audioWorklet.addModule('/recorder-worklet.js');
  const recorder = new AudioWorkletNode(context, 'patchscope-test-recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    channelCount: 1,
    channelCountMode: 'explicit',
  });
  const bus = new GainNode(context);
  bus.connect(recorder).connect(context.destination);
  const blocks = [];
  let recording = false;
  recorder.port.onmessage = (event) => {
    if (recording) blocks.push(event.data);
  };
  await context.resume();
  return {
    context,
    bus,
    startRecording() {
      blocks.length = 0;
      recording = true;
    },
    /** Stops recording and returns the samples as a plain array (for transfer to Node). */
    stopRecording() {
      recording = false;
      const out = new Float32Array(blocks.length * 128);
      blocks.forEach((block, i) => out.set(block, i * 128));
      return Array.from(out);
    },
    close: () => context.close(),
  };
}

/** `frames` samples of a sine at `hz`, amplitude 0.5, continuing the phase of frame `startFrame`. */
export function tone(startFrame, frames, sampleRate, hz) {
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) samples[i] = 0.5 * Math.sin((2 * Math.PI * hz * (startFrame + i)) / sampleRate);
  return samples;
}

/** Resolves when `predicate()` is truthy (checked every 5 ms), rejects after `timeoutMs`. */
export function until(predicate, timeoutMs = 10000, what = 'a condition') {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const check = () => {
      const value = predicate();
      if (value) return resolve(value);
      if (performance.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

/** Calls `fn` every `ms` until the returned stop function is called (the app's pump does the same). */
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

/** Waits `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A PreviewApp in a fresh `#app` element, driven as the extension host drives it: `send` posts a message to the
 * page, `posted` records what the page posts back.
 */
export function mountPreview(PreviewApp) {
  document.body.replaceChildren();
  const host = document.createElement('div');
  host.id = 'app';
  document.body.append(host);
  const posted = [];
  const api = { postMessage: (message) => posted.push(message), getState: () => undefined, setState: () => {} };
  const app = new PreviewApp(api, host);
  const send = (message) => window.postMessage(message, '*');
  return { app, host, posted, send };
}
