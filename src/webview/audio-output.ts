// The page's AudioContext and its output chain: voices -> [down-mix to stereo] -> output gain -> speakers, with a
// stereo tap for the level meter.

import { stereoDownmix } from './downmix';
import { peakOf } from './meter-math';

/** The AudioContext, the node the player feeds, and the meter tap. */
export class AudioOutput {
  readonly context: AudioContext;
  /** The player connects its voices here. */
  readonly input: GainNode;
  private readonly analysers: AnalyserNode[];
  private readonly scratch: Float32Array<ArrayBuffer>;
  /** Down-mix stages by channel count, built the first time a render has that count. */
  private readonly downmixes = new Map<number, AudioNode>();

  constructor() {
    this.context = new AudioContext({ latencyHint: 'interactive' });
    this.input = new GainNode(this.context, { gain: 1 });
    this.input.connect(this.context.destination);
    // Mix down to stereo for the meter, whatever the patch's channel count.
    const stereo = new GainNode(this.context, { channelCount: 2, channelCountMode: 'explicit', channelInterpretation: 'speakers' });
    const splitter = new ChannelSplitterNode(this.context, { numberOfOutputs: 2 });
    this.input.connect(stereo).connect(splitter);
    this.analysers = [0, 1].map((output) => {
      const analyser = new AnalyserNode(this.context, { fftSize: 2048 });
      splitter.connect(analyser, output);
      return analyser;
    });
    this.scratch = new Float32Array(2048);
  }

  /**
   * Where a voice of `channels` channels connects: the output gain itself when Web Audio's speaker rules mix that
   * count to stereo, else a splitter -> per-channel gains -> stereo merger (see downmix.ts), so the speakers and
   * the meter hear every channel.
   */
  destinationFor(channels: number): AudioNode {
    const gains = stereoDownmix(channels);
    if (!gains) return this.input;
    let stage = this.downmixes.get(channels);
    if (!stage) {
      const splitter = new ChannelSplitterNode(this.context, { numberOfOutputs: channels });
      const merger = new ChannelMergerNode(this.context, { numberOfInputs: 2 });
      gains.forEach(({ left, right }, channel) => {
        const gain = new GainNode(this.context, { gain: left > 0 ? left : right, channelCount: 1, channelCountMode: 'explicit' });
        splitter.connect(gain, channel);
        gain.connect(merger, 0, left > 0 ? 0 : 1);
      });
      merger.connect(this.input);
      stage = splitter;
      this.downmixes.set(channels, stage);
    }
    return stage;
  }

  /** Output gain in dB. */
  setGainDb(db: number): void {
    const gain = db <= -60 ? 0 : Math.pow(10, db / 20);
    this.input.gain.setTargetAtTime(gain, this.context.currentTime, 0.015);
  }

  /** Peak amplitude of the last ~43 ms on the left and right channels. */
  peaks(): [number, number] {
    const read = (analyser: AnalyserNode): number => {
      analyser.getFloatTimeDomainData(this.scratch);
      return peakOf(this.scratch);
    };
    return [read(this.analysers[0]), read(this.analysers[1])];
  }

  /** Closes the context. */
  dispose(): void {
    void this.context.close();
  }
}
