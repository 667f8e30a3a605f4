// Which channel counts the output must mix down itself, and with what gains. No DOM: the AudioOutput builds the
// nodes from these numbers.
//
// Web Audio mixes a source into the stereo destination by its speaker rules only for 1, 2, 4 and 6 channels
// (mono, stereo, quad, 5.1); for any other count 'speakers' falls back to 'discrete', which keeps channels 1 and
// 2 and drops the rest (Web Audio API, "Channel Up-Mixing and Down-Mixing"). The spectrogram mixes every channel,
// so it showed sound that was not heard.

/** Gains of one channel into the left and right outputs. */
export interface ChannelGains {
  left: number;
  right: number;
}

/** True when Web Audio's speaker rules mix this many channels to stereo (mono, stereo, quad, 5.1). */
export function hasSpeakerLayout(channels: number): boolean {
  return channels === 1 || channels === 2 || channels === 4 || channels === 6;
}

/**
 * Gains of each channel into stereo for a count without a speaker layout, or undefined when the speaker rules
 * apply. Channels alternate left, right, left... as stereo pairs: a patch with no layout most often stacks pairs
 * (or a stereo pair plus extras), and alternating keeps each pair's image where summing all to both would
 * collapse it to mono. Each side is the mean of its channels, as the spectrogram's mix is the mean of all: it
 * never exceeds the loudest channel, so nothing clips that did not clip alone.
 */
export function stereoDownmix(channels: number): ChannelGains[] | undefined {
  if (!Number.isInteger(channels) || channels < 1 || hasSpeakerLayout(channels)) return undefined;
  const lefts = Math.ceil(channels / 2);
  const rights = Math.floor(channels / 2);
  return Array.from({ length: channels }, (_, channel) => (channel % 2 === 0 ? { left: 1 / lefts, right: 0 } : { left: 0, right: 1 / rights }));
}
