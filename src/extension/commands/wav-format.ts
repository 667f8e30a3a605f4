import type { WavSampleFormat } from '../../engine/wav-writer';
import type { WavBitDepth } from '../settings-model';

/** WAV sample format of the `patchscope.wav.bitDepth` setting. */
export function wavFormatOf(bitDepth: WavBitDepth): WavSampleFormat {
  return bitDepth === 16 ? 'pcm16' : bitDepth === 24 ? 'pcm24' : 'float32';
}
