// Records what reaches it: posts each render quantum of its first input channel to the page.
class RecorderProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0]?.[0];
    this.port.postMessage(channel ? channel.slice() : new Float32Array(128));
    return true;
  }
}
registerProcessor('patchscope-test-recorder', RecorderProcessor);
