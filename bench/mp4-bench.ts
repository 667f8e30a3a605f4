// MP4 export benchmark: renders the same audio (a groove rendered by node-web-audio-api, written to a WAV
// file first) to a spectrogram video twice, once with Patchscope's pipeline and once with ffmpeg's own
// `showspectrum` filter (libx264 veryfast + AAC, the peer figure), and reports wall times, their ratio and
// the peak memory of each (our Node process plus its ffmpeg child, sampled from /proc).
//   npx tsx bench/mp4-bench.ts [seconds=60] [repeats=1] [ours-only]
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { locateFfmpeg } from '../src/engine/ffmpeg-locate';
import { median } from '../src/engine/statistics';
import type { VideoPictureOptions } from '../src/engine/video-render';
import { WavWriter } from '../src/engine/wav-writer';
import { demoAudioChunks } from '../test/unit/helpers/demo-audio';
import { measureTree } from './process-tree';

/** Settings of the benchmark. */
export interface Mp4BenchOptions {
  /** Audio length in seconds (default 60; 1200 for the 20-minute case). */
  seconds?: number;
  /** Runs of each side, alternating; the median wall time counts (default 1). */
  repeats?: number;
  /** Folder for the WAV and the videos (default /tmp/patchscope-mp4-bench). */
  workDir?: string;
  /**
   * ffmpeg builds to measure, each used by both sides (default: the one the export finds, and the bundled
   * static build). showspectrum's cost differs a lot between builds: 4.1 computes few FFTs, 5.1 one per
   * output column, about 25 times the CPU time here.
   */
  ffmpegPaths?: string[];
  /** Picture settings for our side (default 1280x720 at 30 fps, scroll). */
  picture?: VideoPictureOptions & { chunkSeconds?: number };
  /** Also time ffmpeg's showspectrum (default true; false measures only our side, e.g. for 20 minutes). */
  peer?: boolean;
  /** Progress lines (default console.error). */
  log?: (line: string) => void;
}

/** One measured run. */
export interface Mp4BenchRun {
  wallMs: number;
  /** Highest sampled sum of the resident memory of the process and its children, MB. */
  peakRssMb: number;
  /** Peak resident memory of each process (VmHWM), MB. */
  processPeaksMb: Record<string, number>;
  /** CPU seconds of each process (user + system). */
  cpuSeconds: Record<string, number>;
  /** Audio seconds per wall second. */
  realtime: number;
}

/** Both sides measured with one ffmpeg build. */
export interface Mp4BenchBuild {
  ffmpeg: string;
  version: string;
  ours: Mp4BenchRun;
  /** Absent when the peer was not run. */
  showspectrum?: Mp4BenchRun;
  /** Our wall time divided by showspectrum's (below 1: we are faster). */
  ratio?: number;
}

/** What the benchmark measured: every build, and at the top level the build least in our favour. */
export interface Mp4BenchResult extends Mp4BenchBuild {
  seconds: number;
  builds: Mp4BenchBuild[];
}

const SAMPLE_RATE = 48000;

/** Writes `seconds` of the demo groove to a 16-bit stereo WAV file (kept for later runs). */
async function ensureWav(path: string, seconds: number, log: (line: string) => void): Promise<void> {
  if (existsSync(path)) return;
  log(`rendering ${seconds} s of audio to ${path}`);
  const writer = await WavWriter.open(path, { sampleRate: SAMPLE_RATE, channels: 2, format: 'pcm16' });
  try {
    for await (const chunk of demoAudioChunks({ sampleRate: SAMPLE_RATE, channels: 2, duration: seconds }, 48000)) {
      await writer.write(chunk);
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Bundles the child runner so that it runs on plain node. */
async function bundleChild(workDir: string): Promise<string> {
  const outfile = join(workDir, 'mp4-bench-child.js');
  // Beside this file when run from source; from the repository root when this file is bundled into dist/.
  const entry = [resolve(__dirname, 'mp4-bench-child.ts'), resolve(__dirname, '..', 'bench', 'mp4-bench-child.ts'), resolve('bench', 'mp4-bench-child.ts')].find(
    (path) => existsSync(path),
  );
  if (!entry) throw new Error('bench/mp4-bench-child.ts not found (run from the repository root)');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    external: ['@ffmpeg-installer/ffmpeg'],
    logLevel: 'warning',
  });
  return outfile;
}

function toRun(measured: { wallMs: number; peakRssMb: number; processPeaksMb: Record<string, number>; cpuSeconds: Record<string, number> }, seconds: number): Mp4BenchRun {
  return {
    wallMs: measured.wallMs,
    peakRssMb: measured.peakRssMb,
    processPeaksMb: measured.processPeaksMb,
    cpuSeconds: measured.cpuSeconds,
    realtime: seconds / (measured.wallMs / 1000),
  };
}

function pick(runs: Mp4BenchRun[]): Mp4BenchRun {
  const wall = median(runs.map((r) => r.wallMs));
  const chosen = runs.find((r) => r.wallMs === wall) as Mp4BenchRun;
  return { ...chosen, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

/** Runs the benchmark (see the module comment). */
export async function benchMp4(options: Mp4BenchOptions = {}): Promise<Mp4BenchResult> {
  const seconds = options.seconds ?? 60;
  const repeats = options.repeats ?? 1;
  const workDir = options.workDir ?? '/tmp/patchscope-mp4-bench';
  const log = options.log ?? ((line: string) => console.error(line));
  const picture = { width: 1280, height: 720, fps: 30, ...options.picture };
  mkdirSync(workDir, { recursive: true });
  const located = await locateFfmpeg();
  const paths = options.ffmpegPaths ?? [located.path, (await locateFfmpeg({ skipPath: true })).path];
  const wav = join(workDir, `groove-${seconds}s.wav`);
  await ensureWav(wav, seconds, log);
  const childScript = await bundleChild(workDir);

  const builds: Mp4BenchBuild[] = [];
  for (const ffmpeg of [...new Set(paths)]) {
    const { version } = await locateFfmpeg({ configured: ffmpeg });
    log(`ffmpeg ${ffmpeg}: ${version}`);
    const oursRuns: Mp4BenchRun[] = [];
    const peerRuns: Mp4BenchRun[] = [];
    for (let run = 0; run < repeats; run++) {
      const ourOut = join(workDir, 'ours.mp4');
      const ours = await measureTree(process.execPath, [childScript, wav, ourOut, JSON.stringify({ ...picture, ffmpegPath: ffmpeg })]);
      oursRuns.push(toRun(ours, seconds));
      log(`  ours:         ${(ours.wallMs / 1000).toFixed(2)} s, peak ${ours.peakRssMb.toFixed(0)} MB ${JSON.stringify(ours.processPeaksMb)} cpu ${JSON.stringify(ours.cpuSeconds)}`);
      rmSync(ourOut, { force: true });
      if (options.peer === false) continue;
      const peerOut = join(workDir, 'showspectrum.mp4');
      // The peer as the issue states it; -r sets 30 fps the same way in every ffmpeg version.
      const peer = await measureTree(ffmpeg, [
        '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
        '-i', wav,
        '-filter_complex', `[0:a]showspectrum=s=${picture.width}x${picture.height}:slide=scroll[v]`,
        '-map', '[v]', '-map', '0:a', '-r', String(picture.fps),
        '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-movflags', '+faststart',
        peerOut,
      ]);
      peerRuns.push(toRun(peer, seconds));
      log(`  showspectrum: ${(peer.wallMs / 1000).toFixed(2)} s, peak ${peer.peakRssMb.toFixed(0)} MB cpu ${JSON.stringify(peer.cpuSeconds)}`);
      rmSync(peerOut, { force: true });
    }
    const ours = pick(oursRuns);
    if (peerRuns.length === 0) {
      builds.push({ ffmpeg, version, ours });
      continue;
    }
    const showspectrum = pick(peerRuns);
    builds.push({ ffmpeg, version, ours, showspectrum, ratio: ours.wallMs / showspectrum.wallMs });
  }
  const worst = builds.reduce((a, b) => ((b.ratio ?? -Infinity) > (a.ratio ?? -Infinity) ? b : a));
  return { seconds, ...worst, builds };
}

if (require.main === module && process.argv[1]?.endsWith('mp4-bench.ts')) {
  const seconds = Number(process.argv[2] ?? 60);
  const repeats = Number(process.argv[3] ?? 1);
  const peer = process.argv[4] !== 'ours-only';
  benchMp4({ seconds, repeats, peer }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
