// A passive observer installed in every webview content frame before the webview's own code runs. It changes
// nothing the webview sees: it keeps the AudioContexts the page creates, notes each AudioBufferSourceNode
// start (a chunk placed on the clock) and each render message from the host, with epoch times, so the suite
// can check that audio really plays and measure keystroke-to-chunk and keystroke-to-sound.

/** Runs in the browser (serialised by Playwright's addInitScript): keep it self-contained. */
export function installWebviewProbe() {
  // The content frame is the child of VS Code's webview host page (pre/index.html). Chromium reuses the frame's
  // initial about:blank Window for fake.html, and VS Code then writes the webview's HTML into it with
  // document.open(): the Window, and so this probe, survives both.
  let inWebview = false;
  try {
    inWebview = window.parent !== window && /\/webview\/browser\/pre\/index\.html$/.test(window.parent.location.pathname);
  } catch {
    // A cross-origin parent is no VS Code webview host.
  }
  if (!inWebview || 'patchscopeE2eProbe' in window) return;
  const epoch = () => performance.timeOrigin + performance.now();
  const probe = { contexts: [], starts: [], messages: [] };
  Object.defineProperty(window, 'patchscopeE2eProbe', { value: probe });

  const keep = (list, entry, max) => {
    list.push(entry);
    if (list.length > max) list.splice(0, list.length - max);
  };
  const recordMessage = (event) => {
    const data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    if (!['renderStart', 'renderInfo', 'chunk', 'renderEnd', 'renderError', 'renderCancelled'].includes(data.type)) return;
    keep(
      probe.messages,
      {
        type: data.type,
        at: epoch(),
        renderId: data.renderId,
        startFrame: data.startFrame,
        frames: data.frames,
        editAt: data.editAt,
        postedAt: data.postedAt,
        error: data.error ? { message: data.error.message, line: data.error.line, column: data.error.column } : undefined,
      },
      4000,
    );
  };
  // document.open() (how VS Code writes the page) erases window listeners: add ours again once the page's
  // code runs (it creates its AudioContext before listening for messages, so ours still comes first).
  const listen = () => window.addEventListener('message', recordMessage, true);
  listen();

  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args) {
      super(...args);
      probe.contexts.push(this);
      listen();
    }
  };
  // Rising zero crossings per second of the first channel: the frequency of a pure tone.
  const toneFrequency = (buffer) => {
    if (!buffer || buffer.length < 2) return undefined;
    const samples = buffer.getChannelData(0);
    let crossings = 0;
    for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
    return (crossings * buffer.sampleRate) / samples.length;
  };
  const nativeStart = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function start(when = 0, ...rest) {
    keep(
      probe.starts,
      {
        at: epoch(),
        when,
        contextTime: this.context.currentTime,
        outputLatency: this.context.outputLatency ?? 0,
        frames: this.buffer ? this.buffer.length : 0,
        sampleRate: this.buffer ? this.buffer.sampleRate : 0,
        toneHz: toneFrequency(this.buffer),
      },
      4000,
    );
    return nativeStart.call(this, when, ...rest);
  };
}
