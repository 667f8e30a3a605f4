// node-web-audio-api keeps the whole output of an OfflineAudioContext in memory until the render ends: one
// Vec<f32> per destination channel, allocated at the start of rendering with the context's full length
// (4 bytes a frame: 691 MB for an hour at 48 kHz). A streamed render never reads that output (its audio leaves
// through the capture), so on Linux the pages it has filled are given back to the system as the render goes.
//
// How the buffer is found, and why nothing else can be touched:
// - the destination is fed a constant (OUTPUT_FILL), so every page the render has filled holds only that value;
// - above 32 MiB, glibc's malloc serves an allocation with a mapping of its own (its largest mmap threshold), so
//   the buffer appears in /proc/self/maps as a new anonymous mapping of exactly its size (plus malloc's header,
//   rounded up to whole pages) once rendering has started;
// - the addon (native/page-release.c) releases only whole pages whose every word is OUTPUT_FILL, and only below
//   the frames the context has rendered: while the render is suspended, or (in a render driven by its capture,
//   with no suspends) below the frames the capture has received, which the render thread, appending, never
//   writes again. A page that holds anything else is left alone, so when any of this does not hold (another
//   allocator, another version), nothing is released.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frames } from './units';

/** What every sample of a streamed render's destination is fed (-3 * 2^-13, exact in float32): a page filled with it is recognisable. */
export const OUTPUT_FILL = -0.0003662109375;

/** glibc gives allocations above this their own mapping (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit). */
export const OWN_MAPPING_MIN_BYTES = 32 * 1024 * 1024;

/** Bytes node-web-audio-api keeps per frame and destination channel. */
const BYTES_PER_SAMPLE = 4;

/** Page size assumed when matching the buffer's mapping (x86-64, most arm64): with larger pages no mapping matches and nothing is released. */
const PAGE_BYTES = 4096;

/** glibc's header before the memory of an allocation it maps on its own (two size words on 64-bit). */
const MALLOC_HEADER_BYTES = 16;

/** A mapping's extent, as /proc/self/maps gives it. */
interface Mapping {
  start: bigint;
  end: bigint;
}

interface PageReleaseAddon {
  discardPagesHolding(address: bigint, byteLength: number, pattern: number): number;
}

/** Set (to anything but '' or '0') in a render worker's environment, it keeps every render's output, as before. */
export const KEEP_OUTPUT_ENV = 'PATCHSCOPE_KEEP_RENDER_OUTPUT';

let addon: PageReleaseAddon | null | undefined;

/** The native addon beside this bundle (dist/), or from the source tree; null where it is not built or is turned off. */
function loadAddon(): PageReleaseAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const keep = process.env[KEEP_OUTPUT_ENV];
  if (process.platform !== 'linux' || (keep !== undefined && keep !== '' && keep !== '0')) return addon;
  for (const candidate of [path.join(__dirname, 'page-release.node'), path.join(__dirname, '..', '..', 'dist', 'page-release.node')]) {
    if (!fs.existsSync(candidate)) continue;
    const module = { exports: {} as Partial<PageReleaseAddon> };
    try {
      process.dlopen(module, candidate);
    } catch {
      // Built for another machine (a .vsix carries the packaging machine's build): render as without it.
      break;
    }
    if (typeof module.exports.discardPagesHolding === 'function') addon = module.exports as PageReleaseAddon;
    break;
  }
  return addon;
}

/** Whether this process can release a render's output pages (Linux, addon built). */
export function outputReleaseAvailable(): boolean {
  return loadAddon() !== null;
}

function anonymousWritableMappings(): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    // "start-end perms offset dev inode [path]": anonymous mappings have inode 0 and no path.
    const match = /^([0-9a-f]+)-([0-9a-f]+) rw-p [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ 0\s*$/.exec(line);
    if (match) mappings.push({ start: BigInt(`0x${match[1]}`), end: BigInt(`0x${match[2]}`) });
  }
  return mappings;
}

function bitsOf(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0];
}

/**
 * Releases the filled pages of one streamed render's output buffer. Create it after the graph is built and before
 * `startRendering()` (it notes the mappings that exist then).
 */
export class RenderedOutputRelease {
  /** Bytes given back to the system so far. */
  releasedBytes = 0;
  private readonly before: Set<bigint>;
  private readonly pattern = bitsOf(OUTPUT_FILL);
  private buffer: Mapping | null | undefined;
  private releasedUntil: Frames = 0;

  private constructor(
    private readonly native: PageReleaseAddon,
    private readonly contextFrames: Frames,
  ) {
    this.before = new Set(anonymousWritableMappings().map((m) => m.start));
  }

  /**
   * For a context of `contextFrames` frames and one destination channel whose destination is fed OUTPUT_FILL:
   * undefined when its buffer is too small to have a mapping of its own, or where the addon is not available.
   */
  static forContext(contextFrames: Frames): RenderedOutputRelease | undefined {
    const native = loadAddon();
    if (!native || contextFrames * BYTES_PER_SAMPLE <= OWN_MAPPING_MIN_BYTES) return undefined;
    return new RenderedOutputRelease(native, contextFrames);
  }

  /**
   * Ends releasing: call it before the render's result can be dropped (node-web-audio-api frees the buffer with
   * it), so that a release still queued behind a hand-over never reads memory that is gone.
   */
  stop(): void {
    this.buffer = null;
  }

  /** Releases the pages of the frames before `renderedFrames`, which the render must have written and moved past. */
  releaseRendered(renderedFrames: Frames): void {
    if (this.buffer === undefined) this.buffer = this.findBuffer();
    if (this.buffer === null || renderedFrames <= this.releasedUntil) return;
    const from = this.buffer.start + BigInt(this.releasedUntil * BYTES_PER_SAMPLE);
    // From the mapping's start: its first page also holds malloc's header, so it never qualifies, and the end
    // computed from there is at or before the last rendered sample.
    const byteLength = (renderedFrames - this.releasedUntil) * BYTES_PER_SAMPLE;
    this.releasedBytes += this.native.discardPagesHolding(from, byteLength, this.pattern);
    // The page straddling the frontier is retried next time (the frames before it are whole pages' worth).
    this.releasedUntil = Math.max(this.releasedUntil, renderedFrames - PAGE_BYTES / BYTES_PER_SAMPLE);
  }

  /** The one anonymous mapping that appeared since construction and has the buffer's size, or null. */
  private findBuffer(): Mapping | null {
    const mappingBytes = BigInt(Math.ceil((this.contextFrames * BYTES_PER_SAMPLE + MALLOC_HEADER_BYTES) / PAGE_BYTES) * PAGE_BYTES);
    const candidates = anonymousWritableMappings().filter((m) => !this.before.has(m.start) && m.end - m.start === mappingBytes);
    return candidates.length === 1 ? candidates[0] : null;
  }
}
