import type { CaptureChoice, CaptureKind, RenderDrive } from '../render-types';
import type { Capture, CaptureSizing } from './capture';
import { SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS, ScriptProcessorCapture, scriptProcessorBlockFor, scriptProcessorBlockForChunk } from './script-processor-capture';
import type { Frames } from '../units';
import { WorkletCapture } from './worklet-capture';

/** The capture used when none is asked for. */
export const DEFAULT_CAPTURE: CaptureChoice = 'auto';

/**
 * Picks the capture and how the render is driven, once the patch's graph is built.
 * The ScriptProcessor capture is the faster one on every example (bench/RESULTS.md), so 'auto' picks it.
 * node-web-audio-api 2.2.0 stalls an OfflineAudioContext that holds an AudioWorkletNode after a few
 * suspend/resume cycles, so any graph with a worklet (the patch's own, or the worklet capture) is driven by the
 * capture, never by suspends. There the ScriptProcessor capture has no backpressure; it keeps up because a graph
 * with a worklet renders far slower than the capture's JavaScript runs (a thread handshake every quantum).
 */
export function chooseCapture(choice: CaptureChoice, patchUsesWorklets: boolean): { kind: CaptureKind; drive: RenderDrive } {
  const kind: CaptureKind = choice === 'auto' ? 'script-processor' : choice;
  const drive: RenderDrive = kind === 'worklet' || patchUsesWorklets ? 'capture' : 'suspend';
  return { kind, drive };
}

/** What sizes a suspend-driven ScriptProcessor capture's blocks: fixed chunks, or the patch's known speed. */
export type CaptureBlockHint = { fixedChunkFrames: Frames } | { knownRtf: number | undefined };

/**
 * Creates a capture of the given kind, sized for how the render is driven and, for suspend-driven renders, for
 * the chunks asked for (see scriptProcessorBlockForChunk) or the patch's known speed (`knownRtf`, from an earlier
 * render; see scriptProcessorBlockFor).
 */
export function createCapture(kind: CaptureKind, drive: RenderDrive, sizing: CaptureSizing, workletNode: typeof AudioWorkletNode, hint: CaptureBlockHint): Capture {
  switch (kind) {
    case 'worklet':
      return new WorkletCapture(sizing, workletNode);
    case 'script-processor': {
      if (drive === 'capture') return new ScriptProcessorCapture(sizing, SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS);
      const block = 'fixedChunkFrames' in hint ? scriptProcessorBlockForChunk(hint.fixedChunkFrames) : scriptProcessorBlockFor(hint.knownRtf, sizing.sampleRate);
      return new ScriptProcessorCapture(sizing, block);
    }
  }
}

export type { Capture, CaptureSizing } from './capture';
