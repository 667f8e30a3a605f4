// The globals of an AudioWorkletGlobalScope, for type-checking the worklet files in this folder.

/** Base class of a custom audio processor running on the audio rendering thread. */
declare class AudioWorkletProcessor {
  /** Message channel to the AudioWorkletNode on the main thread. */
  readonly port: MessagePort;
  constructor();
}

/** Description of an AudioParam a processor exposes (its name becomes a key of `parameters`). */
interface AudioParamDescriptor {
  name: string;
  defaultValue?: number;
  minValue?: number;
  maxValue?: number;
  automationRate?: 'a-rate' | 'k-rate';
}

/** Registers a processor class under the name AudioWorkletNode constructors refer to. */
declare function registerProcessor(
  name: string,
  processorCtor: (new (options?: unknown) => AudioWorkletProcessor) & {
    parameterDescriptors?: AudioParamDescriptor[];
  },
): void;

/** Sample rate of the context that owns this worklet scope. */
declare const sampleRate: number;
/** Frame of the render quantum being processed. */
declare const currentFrame: number;
/** Time in seconds of the render quantum being processed. */
declare const currentTime: number;
