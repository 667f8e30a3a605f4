import type { PlaybackFigures } from './api';
import type { LiveRenderStatus } from './live-render';
import type { RenderTimings } from './timings';

/** Everything the status bar item shows. */
export interface StatusFigures {
  live: LiveRenderStatus;
  timings: RenderTimings | undefined;
  playback: PlaybackFigures | undefined;
  previewOpen: boolean;
  trusted: boolean;
}

/** A real-time factor for display: `12.3` -> `12`, `0.456` -> `0.46`, `0.0834` -> `0.083` (two significant digits below 0.1). */
export function formatRtf(rtf: number | undefined): string {
  if (rtf === undefined || !Number.isFinite(rtf)) return '–';
  return rtf >= 10 ? rtf.toFixed(0) : rtf >= 0.1 ? rtf.toFixed(2) : rtf.toPrecision(2);
}

/** Milliseconds for display: `12.3 ms` below 100, whole numbers above. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** The text and tooltip lines of the status bar item (pure, for tests). */
export function statusText(figures: StatusFigures): { text: string; lines: [string, string][] } {
  const { live, timings, playback } = figures;
  if (!figures.trusted) return { text: '$(workspace-untrusted) Patchscope', lines: [['Restricted Mode', 'patches run only in trusted workspaces']] };
  const chunkMs = live.chunkFrames !== undefined && live.sampleRate ? (live.chunkFrames / live.sampleRate) * 1000 : undefined;
  const icon = live.error ? '$(error)' : live.rendering ? '$(sync~spin)' : playback?.state === 'playing' ? '$(unmute)' : '$(pulse)';
  const parts = [`RTF ${formatRtf(live.rtf)}`];
  if (timings?.editToFirstSoundMs !== undefined) parts.push(`sound ${formatMs(timings.editToFirstSoundMs)}`);
  if (playback && playback.bufferedSeconds > 0) parts.push(`${playback.bufferedSeconds.toFixed(1)} s buf`);
  const text = figures.previewOpen ? `${icon} ${parts.join(' · ')}` : '$(play-circle) Patchscope';
  const lines: [string, string][] = [
    ['Patch', live.patch?.name ?? '–'],
    ['Real-time factor', formatRtf(live.rtf)],
    ['Chunk size', chunkMs !== undefined ? `${formatMs(chunkMs)} (${live.chunkFrames} frames)` : '–'],
    ['Capture', live.capture ?? timings?.summary?.capture ?? 'auto'],
    ['Edit → first chunk', formatMs(timings?.editToFirstChunkMs)],
    ['Edit → first sound', formatMs(timings?.editToFirstSoundMs)],
    ['Buffered', playback ? `${playback.bufferedSeconds.toFixed(2)} s` : '–'],
    ['Player', playback ? `${playback.state}, audio ${playback.audioState}` : '–'],
  ];
  if (live.error) lines.push(['Error', live.error]);
  return { text, lines };
}
