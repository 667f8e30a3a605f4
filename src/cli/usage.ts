/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The `patchscope --help` text. */
export const USAGE = `Usage: patchscope <command> [options]
       patchscope --help | --version
       patchscope <command> --help

A patch is NAME.synth.js, NAME.synth.mjs or NAME.synth.ts; a glob (quoted) takes the patch files it matches.

Commands:
  render <patch|glob>...   Render patches to WAV or MP4 files (in parallel in worker processes).
      --out FILE|DIR         Output file (one patch) or folder, created if missing (default: beside each patch, NAME.wav)
      --format wav|mp4       Output format (default: from an --out FILE ending in .wav or .mp4, else wav)
      --bit-depth 16|24|32f  WAV sample format; 32 means 32f (default 16)
      --workers N            Parallel renders (default: number of cores)
      --timeout SECONDS      Stop a render that makes no progress for this long (default 10)
      --max-duration SECONDS Longest patch duration accepted (default 3600)
      --capture NAME         auto | script-processor | worklet (default auto)
      --size WxH --fps N --colormap NAME --scale log|linear|mel --fft-size N --crf N --preset NAME
      --mode scroll|static --waveform --ffmpeg PATH        MP4 picture and encoder settings
                             (--fps up to 240, --fft-size a power of two from 16 to 32768, --crf 0 to 51)
      --json                 Print one JSON summary on stdout
  parity <patch>           Render one-shot and streamed and compare the samples (exit 1 unless bit-exact).
      --chunk SECONDS|auto   Chunk size of the streamed render (default auto)
      --capture NAME         auto | script-processor | worklet (default auto)
      --timeout SECONDS --max-duration SECONDS              as for render
      --json                 Print the report as JSON
  bench <patch>            Time a one-shot and a streamed render of the patch.
      --runs N               Timed renders of each kind (default 3)
      --capture NAME --max-duration SECONDS --json

Exit codes: 0 success, 1 a render failed or parity differed, 2 usage error, 130 interrupted (Ctrl+C), 143 terminated (SIGTERM).`;
