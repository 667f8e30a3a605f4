// node-web-audio-api keeps the whole output of an OfflineAudioContext in memory until the render ends: one
// Vec<f32> per destination channel, allocated at the start of rendering with the context's full length
// (4 bytes a frame: 691 MB for an hour at 48 kHz). A streamed render never reads that output (its audio leaves
// through the capture), so on Linux the pages it has filled are given back to the system as the render goes.
//
// How the buffer is found, and why nothing else can be touched:
// - the destination is fed a constant (OUTPUT_FILL), so every page the render has filled holds only that value;
// - above 32 MiB, glibc's malloc serves an allocation with a mapping of its own (its largest mmap threshold), so
//   the buffer appears in /proc/self/maps as a new anonymous mapping of exactly its size (plus malloc's header,
//   rounded up to whole pages) once rendering has started. The kernel merges that mapping with an adjacent
//   anonymous one of the same permissions (2 renders of the 60-minute patch in 33: the buffer was the top of a
//   mapping 4 MB larger, and nothing was released), so the buffer may also be one end of a larger new or grown
//   mapping: there the addon finds it by malloc's header, which holds its size;
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

/** How many hand-overs look for the buffer before a render gives up releasing (each reads /proc/self/maps). */
const BUFFER_SEARCHES = 8;

/** Page size assumed when matching the buffer's mapping (x86-64, most arm64): with larger pages no mapping matches and nothing is released. */
const PAGE_BYTES = 4096;

/** glibc's header before the memory of an allocation it maps on its own (two size words on 64-bit). */
const MALLOC_HEADER_BYTES = 16;

/** A mapping's extent, as /proc/self/maps gives it. */
export interface Mapping {
  start: bigint;
  end: bigint;
}

interface PageReleaseAddon {
  discardPagesHolding(address: bigint, byteLength: number, pattern: number): number;
  /** Absent from an addon built before it was added: then only a mapping of exactly the buffer's size is used. */
  startsMappedChunk?(address: bigint, mappingBytes: number): boolean;
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

/** The warning for a render that held `retainedBytes` of output to its end because the buffer was not found. */
export function retainedOutputWarning(retainedBytes: number): string {
  return `the render worker held node-web-audio-api's copy of the output to the end (${(retainedBytes / 1048576).toFixed(0)} MB): its buffer was not found, so it was not given back as the render went`;
}

/** Whether this process can release a render's output pages (Linux, addon built). */
export function outputReleaseAvailable(): boolean {
  return loadAddon() !== null;
}

/** The process's private anonymous writable mappings, from /proc/self/maps. */
export function anonymousWritableMappings(): Mapping[] {
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
  /** Whether the output buffer has been found: a render that ends without it has kept its whole output. */
  private bufferFound = false;
  private readonly before: Mapping[];
  private readonly pattern = bitsOf(OUTPUT_FILL);
  /** Where the buffer starts; undefined until found, null once given up (or stopped). */
  private buffer: bigint | null | undefined;
  private searchesLeft = BUFFER_SEARCHES;
  private releasedUntil: Frames = 0;

  private constructor(
    private readonly native: PageReleaseAddon,
    private readonly contextFrames: Frames,
  ) {
    this.before = anonymousWritableMappings();
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

  /** Bytes of output this render meant to give back and kept to its end: the whole buffer if it was never found, else 0. */
  get retainedBytes(): number {
    return this.bufferFound ? 0 : this.contextFrames * BYTES_PER_SAMPLE;
  }

  /** Releases the pages of the frames before `renderedFrames`, which the render must have written and moved past. */
  releaseRendered(renderedFrames: Frames): void {
    if (this.buffer === undefined && this.searchesLeft > 0) {
      this.searchesLeft--;
      this.buffer = this.findBuffer() ?? (this.searchesLeft > 0 ? undefined : null);
      this.bufferFound = typeof this.buffer === 'bigint';
    }
    if (this.buffer === undefined || this.buffer === null || renderedFrames <= this.releasedUntil) return;
    const from = this.buffer + BigInt(this.releasedUntil * BYTES_PER_SAMPLE);
    // From the mapping's start: its first page also holds malloc's header, so it never qualifies, and the end
    // computed from there is at or before the last rendered sample.
    const byteLength = (renderedFrames - this.releasedUntil) * BYTES_PER_SAMPLE;
    this.releasedBytes += this.native.discardPagesHolding(from, byteLength, this.pattern);
    // The page straddling the frontier is retried next time (the frames before it are whole pages' worth).
    this.releasedUntil = Math.max(this.releasedUntil, renderedFrames - PAGE_BYTES / BYTES_PER_SAMPLE);
  }

  /** Where the buffer's mapping starts, when exactly one place in the mappings that are new or changed since construction holds it. */
  private findBuffer(): bigint | null {
    const mappingBytes = BigInt(Math.ceil((this.contextFrames * BYTES_PER_SAMPLE + MALLOC_HEADER_BYTES) / PAGE_BYTES) * PAGE_BYTES);
    const startsChunk = this.native.startsMappedChunk?.bind(this.native);
    return locateMappedBuffer(this.before, anonymousWritableMappings(), mappingBytes, startsChunk && ((address) => startsChunk(address, Number(mappingBytes))));
  }
}

/**
 * Where a buffer that malloc mapped on its own (`mappingBytes` long, header included) starts, given the anonymous
 * mappings before it was allocated and now; null unless exactly one place qualifies. The kernel may have merged
 * its mapping with an adjacent one, so a new or grown mapping larger than the buffer is searched at its two ends
 * and at the edges of the mappings it absorbed; `startsChunk` (malloc's header read by the addon) confirms a
 * place. Without it only a new mapping of exactly the buffer's size counts.
 */
export function locateMappedBuffer(
  before: readonly Mapping[],
  now: readonly Mapping[],
  mappingBytes: bigint,
  startsChunk?: (address: bigint) => boolean,
): bigint | null {
  const endBefore = new Map(before.map((m) => [m.start, m.end]));
  const places = new Set<bigint>();
  for (const mapping of now) {
    if (endBefore.get(mapping.start) === mapping.end) continue;
    const bytes = mapping.end - mapping.start;
    if (bytes < mappingBytes || (bytes > mappingBytes && !startsChunk)) continue;
    const starts = new Set([mapping.start, mapping.end - mappingBytes]);
    for (const old of before) {
      if (old.end > mapping.start && old.end + mappingBytes <= mapping.end) starts.add(old.end);
      if (old.start < mapping.end && old.start - mappingBytes >= mapping.start) starts.add(old.start - mappingBytes);
    }
    for (const start of starts) if (!startsChunk || startsChunk(start)) places.add(start);
  }
  return places.size === 1 ? [...places][0] : null;
}
