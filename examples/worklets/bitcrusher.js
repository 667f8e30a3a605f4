// A bit crusher: holds each input sample for `downsample` frames (a lower effective sample rate, with its
// aliasing) and rounds it to `bits` bits of resolution, then blends with the dry signal by `mix`.
// Used by ../04-crushed-groove.synth.js through `ctx.audioWorklet.addModule('./worklets/bitcrusher.js')`.

class BitCrusherProcessor extends AudioWorkletProcessor {
  /** @returns {AudioParamDescriptor[]} */
  static get parameterDescriptors() {
    return [
      { name: 'bits', defaultValue: 8, minValue: 1, maxValue: 16, automationRate: 'k-rate' },
      { name: 'downsample', defaultValue: 1, minValue: 1, maxValue: 64, automationRate: 'k-rate' },
      { name: 'mix', defaultValue: 1, minValue: 0, maxValue: 1, automationRate: 'k-rate' },
    ];
  }

  constructor() {
    super();
    /** Per channel: the sample being held and how far through the hold we are (fractional, in frames). */
    /** @type {number[]} */
    this.held = [];
    /** @type {number[]} */
    this.phase = [];
  }

  /**
   * @param {Float32Array[][]} inputs
   * @param {Float32Array[][]} outputs
   * @param {Record<string, Float32Array>} parameters
   */
  process(inputs, outputs, parameters) {
    const input = inputs[0];
    const output = outputs[0];
    const steps = 2 ** (parameters.bits[0] - 1);
    const hold = parameters.downsample[0];
    const wet = parameters.mix[0];
    for (let channel = 0; channel < output.length; channel++) {
      const source = input[channel];
      const target = output[channel];
      if (!source) {
        target.fill(0);
        continue;
      }
      let held = this.held[channel] ?? 0;
      let phase = this.phase[channel] ?? hold;
      for (let i = 0; i < target.length; i++) {
        phase += 1;
        // A fractional hold length keeps sweeps of `downsample` smooth instead of stepping in whole frames.
        if (phase >= hold) {
          phase -= hold;
          held = Math.round(source[i] * steps) / steps;
        }
        target[i] = wet * held + (1 - wet) * source[i];
      }
      this.held[channel] = held;
      this.phase[channel] = phase;
    }
    return true;
  }
}

registerProcessor('bitcrusher', BitCrusherProcessor);
