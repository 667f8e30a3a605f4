// The page's AudioContext and its output chain: voices -> output gain -> speakers, with a stereo tap for the
// level meter.

import { peakOf } from './meter-math';

/** The AudioContext, the node the player feeds, and the meter tap. */
export class AudioOutput {
  readonly context: AudioContext;
  /** The player connects its voices here. */
  readonly input: GainNode;
  private readonly analysers: AnalyserNode[];
  private readonly scratch: Float32Array<ArrayBuffer>;

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
