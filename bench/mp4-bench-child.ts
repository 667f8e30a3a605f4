// The process that bench/mp4-bench.ts measures: streams a WAV file through the MP4 export pipeline
// (renderVideo) and prints one JSON line with its wall time. Run by the benchmark as a bundled script,
// so its memory is the pipeline's, not a TypeScript loader's.
//   node mp4-bench-child.js WAV OUT.mp4 [PICTURE_JSON]
import { readWavChunks, readWavInfo } from '../src/engine/wav-reader';
import { chunkProducer, renderVideo, type VideoPictureOptions } from '../src/engine/video-render';

async function main(): Promise<void> {
  const [wav, out, pictureJson = '{}'] = process.argv.slice(2);
  const picture = JSON.parse(pictureJson) as VideoPictureOptions & { chunkSeconds?: number };
  const header = await readWavInfo(wav);
  const info = {
    duration: header.frames / header.sampleRate,
    sampleRate: header.sampleRate,
    channels: header.channels,
    seed: 0,
    frames: header.frames,
  };
  const chunkFrames = Math.round((picture.chunkSeconds ?? 0.25) * header.sampleRate);
  const started = performance.now();
  const result = await renderVideo(chunkProducer(info, readWavChunks(wav, chunkFrames)), {
    ...picture,
    destination: out,
    title: picture.title ?? 'bench groove',
  });
  const wallMs = performance.now() - started;
  const usage = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({
      wallMs,
      frames: result.frames,
      bytes: result.bytes,
      ffmpeg: result.ffmpeg.path,
      maxAudioBacklog: result.maxAudioBacklog,
      nodeCpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
