import * as path from 'node:path';
import { compareAudio } from './parity';
import type { RenderPool } from './render-pool';
import type { AudioChunk, ParityReport, PatchSource, StreamOptions } from './render-types';

/** Collects streamed chunks into whole channels, checking that they tile the render with no gap or overlap. */
export class ChunkCollector {
  private chunks: AudioChunk[] = [];
  private nextFrame = 0;

  /** Adds the next chunk; throws if it does not start where the previous one ended. */
  add(chunk: AudioChunk): void {
    if (chunk.startFrame !== this.nextFrame) throw new Error(`chunk starts at frame ${chunk.startFrame}, expected ${this.nextFrame}`);
    this.nextFrame += chunk.channels[0]?.length ?? 0;
    this.chunks.push(chunk);
  }

  /** Number of chunks so far. */
  get count(): number {
    return this.chunks.length;
  }

  /** The chunks joined into one array per channel. */
  join(channels: number): Float32Array[] {
    const out = Array.from({ length: channels }, () => new Float32Array(this.nextFrame));
    for (const chunk of this.chunks) chunk.channels.forEach((data, c) => out[c]?.set(data, chunk.startFrame));
    return out;
  }
}

/** Renders a patch one-shot and streamed and compares the two bit for bit. */
export async function runParityTest(pool: RenderPool, source: PatchSource, options: StreamOptions = {}): Promise<ParityReport> {
  const reference = await pool.renderOneShot(source, options);
  const collector = new ChunkCollector();
  const stats = await pool.stream(source, { ...options, onChunk: (chunk) => collector.add(chunk) });
  const comparison = compareAudio(reference.channels, collector.join(stats.info.channels));
  return {
    patch: path.resolve(source.path),
    sampleRate: stats.info.sampleRate,
    channels: comparison.channels,
    frames: comparison.frames,
    chunks: stats.chunks,
    capture: stats.capture,
    maxAbsDiff: comparison.maxAbsDiff,
    rmse: comparison.rmse,
    firstDiffFrame: comparison.firstDiffFrame,
    bitExact: comparison.bitExact,
  };
}
